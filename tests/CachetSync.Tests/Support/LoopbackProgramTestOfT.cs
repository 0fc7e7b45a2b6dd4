using WireMock.Server;

namespace CachetSync.Tests.Support;

/// <summary>
/// What a whole-program test needs: Cachet played by a stub, the probed servers played by WireMock, and a run of
/// the real program whose output is captured — all on 127.0.0.1, all disposed after the test.
/// </summary>
public abstract class LoopbackProgramTest<TCachet>(TCachet cachet) : IDisposable
    where TCachet : IDisposable
{
    protected TCachet Cachet { get; } = cachet;

    protected WireMockServer Targets { get; } = Loopback.StartWireMock();

    protected TestRun Run { get; } = new();

    public virtual void Dispose()
    {
        Run.Dispose();
        Targets.Dispose();
        Cachet.Dispose();
        GC.SuppressFinalize(this);
    }
}
