using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Tests.Support;

/// <summary>
/// Runs the real program in-process, as the command line would, with a config file written for the test,
/// and captures stdout, stderr and every log line (Trace and up).
/// </summary>
public sealed class TestRun : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cachetsync-test-").FullName;

    /// <summary>This run's own directory (configs, state), deleted with it.</summary>
    public string WorkDirectory => _directory;

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public CapturedLogs Logs { get; } = new();

    /// <summary>A prefix no other test uses, so environment overrides stay within this run.</summary>
    public string EnvironmentPrefix { get; } = $"CSTEST_{Guid.NewGuid():N}_";

    public string Everything => $"{Out}\n{Error}\n{Logs.All}";

    public string WriteConfig(string json, string name = "appsettings.json")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }

    public void SetEnvironment(string key, string value) => Environment.SetEnvironmentVariable(EnvironmentPrefix + key, value);

    public Task<int> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    /// <summary>What the run sees as JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod index); none by default.</summary>
    public string? JobCompletionIndex { get; set; }

    /// <summary>The OTEL_* variables the run sees; none by default (the test process's own are never read).</summary>
    public Dictionary<string, string> OpenTelemetryVariables { get; } = [];

    public async Task<int> RunAsync(CancellationToken stopping, params string[] args)
    {
        var environment = new RunEnvironment(Out, Error, EnvironmentPrefix, logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        }, JobCompletionIndex: JobCompletionIndex, Otlp: new CachetSync.Telemetry.OtlpVariables(OpenTelemetryVariables));
        return await Program.RunAsync(args, environment, stopping);
    }

    public void Dispose()
    {
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith(EnvironmentPrefix, StringComparison.Ordinal)))
        {
            Environment.SetEnvironmentVariable(key, null);
        }

        Directory.Delete(_directory, recursive: true);
    }
}
