using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>How fast a body came: <paramref name="Bytes"/> read, at <paramref name="BytesPerSecond"/>, judged against the server's <paramref name="MinRate"/>.</summary>
public sealed record BodyRate(long Bytes, double BytesPerSecond, double MinRate)
{
    public bool IsBelowMinimum => BytesPerSecond < MinRate;

    /// <summary>"3.1 MiB/s &lt; 20 MiB/s over 1 MiB".</summary>
    public string Comparison =>
        $"{ByteSizeText.FormatRate(BytesPerSecond)} {(IsBelowMinimum ? "<" : ">=")} {ByteSizeText.FormatRate(MinRate)} over {ByteSizeText.Format(Bytes)}";
}
