using System.Diagnostics;

namespace CachetSync.Tests.Deploy;

/// <summary>The image under test (<c>TEST_CACHETSYNC_IMAGE</c>, written by .ci/build-image) and podman to run it.</summary>
public static class ContainerImage
{
    public static string? Name => Environment.GetEnvironmentVariable("TEST_CACHETSYNC_IMAGE") is { Length: > 0 } name ? name : null;

    /// <summary>
    /// What every run here adds to the manifest's own settings: podman's default rlimits (a million files and
    /// processes) are more than this sandbox may set, so the container keeps the host's.
    /// </summary>
    public static readonly string[] SandboxFlags = ["--ulimit", "host"];

    public static (int ExitCode, string Out, string Error) Podman(TimeSpan timeout, params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("podman")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start podman"));
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.Process.WaitForExit(timeout))
        {
            throw new TimeoutException($"podman {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs podman and fails the test, with what podman said, unless it succeeds.</summary>
    public static string PodmanOk(params IEnumerable<string> arguments)
    {
        var (exitCode, output, error) = Podman(TimeSpan.FromMinutes(2), arguments);
        return exitCode == 0 ? output.Trim() : throw new InvalidOperationException($"podman {string.Join(' ', arguments)}: exit {exitCode}\n{error}");
    }

    /// <summary>The environment as <c>-e NAME=value</c> pairs.</summary>
    public static IEnumerable<string> EnvironmentFlags(IReadOnlyDictionary<string, string> environment) =>
        environment.SelectMany(pair => new[] { "-e", $"{pair.Key}={pair.Value}" });
}
