using System.Diagnostics;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// A started process that a test owns: disposing it kills it (and its children) if it is still running — a test that
/// fails or times out halfway leaves no worker behind holding a port.
/// </summary>
public sealed class ChildProcess(Process process) : IDisposable
{
    public Process Process => process;

    public int Id => process.Id;

    public int ExitCode => process.ExitCode;

    public StreamReader StandardOutput => process.StandardOutput;

    public StreamReader StandardError => process.StandardError;

    public Task WaitForExitAsync() => process.WaitForExitAsync();

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
