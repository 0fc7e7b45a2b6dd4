namespace CachetSync.Configuration;

/// <summary>
/// <c>Probe.Throughput</c>: download a test object and judge the rate members would get. A stream server can answer
/// its health URL in 3 ms while every viewer buffers; only moving bytes shows that.
/// </summary>
/// <param name="Path">The test object, on the server's own address (<c>/probe/1mb.bin</c>): fetched after the probe's
/// own request answered. Without it, the body of the probe's own URL is measured.</param>
/// <param name="Bytes">Read at most this many body bytes (discarded as read).</param>
/// <param name="MinRate">Bytes per second below which the server is slow (<c>Thresholds.Slow</c>).</param>
public sealed record ThroughputSettings(string? Path, long Bytes, double MinRate)
{
    public static readonly string[] Keys = ["Path", "Bytes", "MinRate"];

    public const long DefaultBytes = 1024 * 1024;

    /// <summary>More than any probe timeout could carry at loopback speed: a typo ("1GiB" for "1MiB") is named.</summary>
    public const long MaxBytes = 1024L * 1024 * 1024;

    public static ThroughputSettings? Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        // "//host/x" would be another server's address (a network-path reference), not a path on this one.
        var path = node.Read<string>("Path", text =>
            text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal) && Uri.TryCreate(new Uri("http://host.invalid"), text, out _)
                ? (text, null)
                : (null, $"\"{text}\" is not a path on the server (it starts with \"/\")"));

        var bytes = node.ByteSize("Bytes", 1024, MaxBytes);
        var minRate = node.Rate("MinRate");
        node.Require("MinRate", "is required: the rate below which the server counts as slow, e.g. \"20MiB/s\"");

        return minRate is null ? null : new ThroughputSettings(path, bytes ?? DefaultBytes, minRate.Value);
    }
}
