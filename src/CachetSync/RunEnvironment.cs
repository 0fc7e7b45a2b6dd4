using Microsoft.Extensions.Logging;

namespace CachetSync;

/// <summary>
/// Where a run reads its environment and writes its output. The real process uses the console; tests capture
/// everything, including every log line, so they can check exactly what an operator would see.
/// </summary>
public sealed record RunEnvironment(
    TextWriter Out,
    TextWriter Error,
    string EnvironmentPrefix,
    Action<ILoggingBuilder>? ConfigureLogging = null,
    TimeProvider? Time = null,
    string? JobCompletionIndex = null,
    Telemetry.OtlpVariables? Otlp = null)
{
    /// <summary>The index Kubernetes gives each pod of an Indexed Job: which shard a run is (with <c>Shards</c>).</summary>
    public const string JobCompletionIndexVariable = "JOB_COMPLETION_INDEX";

    public static RunEnvironment Console { get; } = new(
        System.Console.Out, System.Console.Error, Configuration.ConfigLoader.EnvironmentPrefix,
        JobCompletionIndex: Environment.GetEnvironmentVariable(JobCompletionIndexVariable),
        Otlp: Telemetry.OtlpVariables.FromProcess());

    /// <summary>The run's secrets, masked in everything it prints (set by <see cref="Program.RunAsync"/>).</summary>
    public Output.Redaction Secrets { get; init; } = Output.Redaction.Current;
}
