namespace CachetSync.Tests.Support;

/// <summary>A whole-program test against Cachet 3 (<see cref="Cachet3Stub"/>, the captured server).</summary>
public abstract class Cachet3ProgramTest() : LoopbackProgramTest<Cachet3Stub>(new Cachet3Stub());
