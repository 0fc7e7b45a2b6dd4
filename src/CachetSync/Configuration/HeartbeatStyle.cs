namespace CachetSync.Configuration;

/// <summary>How <c>Heartbeat.Url</c> is told about a cycle: the conventions of the common dead-man's-switch services.</summary>
public enum HeartbeatStyle
{
    /// <summary>healthchecks.io (and Cronitor, Better Stack): <c>{url}/start</c>, then <c>{url}</c> or <c>{url}/fail</c>.</summary>
    Healthchecks,

    /// <summary>Uptime Kuma push monitor: <c>{url}?status=up|down&amp;msg=…&amp;ping=…</c> after each cycle.</summary>
    UptimeKumaPush,

    /// <summary><c>GET {url}</c> after each cycle that succeeded, nothing otherwise: the service notices the silence.</summary>
    Plain,
}
