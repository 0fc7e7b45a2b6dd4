namespace CachetSync.Tests.Support;

/// <summary>A whole-program test against Cachet 2.4 (<see cref="CachetStub"/>).</summary>
public abstract class LoopbackProgramTest(string cachetToken = CachetStub.Token) : LoopbackProgramTest<CachetStub>(new CachetStub(cachetToken));
