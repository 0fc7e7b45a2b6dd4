namespace CachetSync.Probing;

/// <summary>The outcome of one probe: its kind, the HTTP status code if any, how long it took, and a short detail.</summary>
public sealed record ProbeResult(ProbeKind Kind, int? StatusCode, TimeSpan Latency, string Detail)
{
    public static ProbeResult Answered(int? statusCode, TimeSpan latency) =>
        new(ProbeKind.Ok, statusCode, latency, statusCode is { } code ? $"HTTP {code}" : "connected");

    public static ProbeResult Failed(ProbeKind kind, TimeSpan latency, string detail) =>
        new(kind, null, latency, detail);
}
