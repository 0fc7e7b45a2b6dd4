namespace CachetSync.Probing;

/// <summary>The outcome of one probe: its kind, the HTTP status code if any, how long it took, and a short detail.</summary>
public sealed record ProbeResult(ProbeKind Kind, int? StatusCode, TimeSpan Latency, string Detail)
{
    /// <summary>How the detail of a probe this machine could not make fairly starts (its own lag or CPU, never the server).</summary>
    public const string NotJudgedPrefix = "not judged: ";

    /// <summary>How the detail of a lookup the resolver answered "no such name" (NXDOMAIN) starts.</summary>
    public const string NoSuchNamePrefix = "no such name";

    /// <summary>The resolver answered that the name does not exist: it was reached, and the name is wrong.</summary>
    public bool IsNoSuchName => Kind == ProbeKind.DnsFailure && Detail.StartsWith(NoSuchNamePrefix, StringComparison.Ordinal);

    /// <summary>The body rate, when the server has a <c>Throughput</c> probe and it was measured.</summary>
    public BodyRate? Throughput { get; init; }

    /// <summary>The <c>Expect</c> condition the answer failed, if any.</summary>
    public UnmetCondition? Unmet { get; init; }

    /// <summary>Time left until the served TLS certificate expires (negative: expired), for HTTPS answers.</summary>
    public TimeSpan? CertificateExpiresIn { get; init; }

    /// <summary>Where the time went, with <c>Probe.Timings</c>.</summary>
    public ProbeTimings? Timings { get; init; }

    /// <summary>
    /// For an HTTP probe that timed out: how long its connection took to be made (null: it never was) — on the
    /// server's side (<see cref="ProbeTrace.ServerConnectedAfter"/>): when the server took the request in, if that came later.
    /// For any other HTTP probe, set only when the connect waited out a SYN retransmission (a listen queue overflowed).
    /// </summary>
    public TimeSpan? ConnectedAfter { get; init; }

    /// <summary>Not probed fairly, for a reason of this machine's own (<see cref="NotJudged"/>).</summary>
    public bool IsNotJudged => Kind == ProbeKind.NotProbed && Detail.StartsWith(NotJudgedPrefix, StringComparison.Ordinal);

    /// <summary>How many times the server was asked this cycle (more than one with <c>Probe.Retries</c>).</summary>
    public int Attempts { get; init; } = 1;

    public static ProbeResult Answered(int? statusCode, TimeSpan latency) =>
        new(ProbeKind.Ok, statusCode, latency, statusCode is { } code ? $"HTTP {code}" : "connected");

    public static ProbeResult Failed(ProbeKind kind, TimeSpan latency, string detail) =>
        new(kind, null, latency, detail);

    /// <summary>
    /// A name lookup still unanswered at the probe's deadline: this machine's resolver is silent or overloaded, and no
    /// packet reached the server. (A resolver that answers, even NXDOMAIN or SERVFAIL, said something about the name:
    /// that is a <see cref="ProbeKind.DnsFailure"/>.)
    /// </summary>
    public static ProbeResult ResolverSilent(string host, TimeSpan latency, TimeSpan timeout) =>
        NotJudged(latency, $"the resolver gave no answer for {host} within {timeout.TotalSeconds:0.###} s (this machine's name service, not the server)");

    /// <summary>How the detail of a probe that had no turn within the cycle's budget goes on after <see cref="NotJudgedPrefix"/>.</summary>
    public const string NoTurnInBudget = "no turn within the cycle's budget";

    /// <summary>Not probed: the fleet needed more than the cycle's budget (<c>Probe.CycleBudget</c>, or the schedule) at this machine's pace.</summary>
    public bool IsOutOfBudget => IsNotJudged && Detail.AsSpan(NotJudgedPrefix.Length).StartsWith(NoTurnInBudget, StringComparison.Ordinal);

    /// <summary>Not probed fairly, for a reason of this machine's own: the server's status is left as it is.</summary>
    public static ProbeResult NotJudged(TimeSpan latency, string why) =>
        new(ProbeKind.NotProbed, null, latency, NotJudgedPrefix + why);
}
