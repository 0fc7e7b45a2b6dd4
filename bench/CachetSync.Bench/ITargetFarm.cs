namespace CachetSync.Bench;

/// <summary>The servers CachetSync probes: every <c>/s/{i}</c> behaves as the mix says, over HTTP and over HTTPS.</summary>
public interface ITargetFarm : IAsyncDisposable
{
    int HttpPort { get; }

    /// <summary>The same paths behind TLS, with a self-signed certificate (probed with <c>VerifyTls: false</c>).</summary>
    int HttpsPort { get; }

    /// <summary>The farm's longest stall since the last call (see <see cref="StallMeter"/>).</summary>
    TimeSpan TakeWorstStall();
}
