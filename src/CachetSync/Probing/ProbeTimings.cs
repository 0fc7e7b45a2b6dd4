namespace CachetSync.Probing;

/// <summary>
/// Where one probe's time went, phase by phase: what a person debugging a slow edge asks first. A phase that did not
/// happen (no DNS for an IP, no TLS for http, no body read) is null.
/// </summary>
public sealed record ProbeTimings(TimeSpan? Dns, TimeSpan? Connect, TimeSpan? Tls, TimeSpan? FirstByte, TimeSpan? Body)
{
    /// <summary>"dns 2 ms, connect 1 ms, tls 9 ms, first byte 40 ms, body 3 ms".</summary>
    public override string ToString() =>
        string.Join(", ", new[] { ("dns", Dns), ("connect", Connect), ("tls", Tls), ("first byte", FirstByte), ("body", Body) }
            .Where(phase => phase.Item2 is not null)
            .Select(phase => $"{phase.Item1} {phase.Item2!.Value.TotalMilliseconds:0} ms"));
}
