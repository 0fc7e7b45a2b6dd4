namespace CachetSync.Bench;

/// <summary>
/// What the probed servers look like: which farm plays them, whether they are reached by host name (resolved
/// through a loopback DNS server, one name per server, as a real fleet has) and which share speaks TLS.
/// Written as <c>kestrel</c>, <c>single</c>, <c>kestrel+dns</c>, <c>single+dns+tls</c>… Two parts change the probe
/// rather than the farm: <c>body</c> (every server that answers 2xx is then asked for a 256 KiB test object, a
/// throughput probe; Kestrel farm only) and <c>retry</c> (<c>Probe.Retries: 1</c>, so every failing server is asked twice).
/// Two change how the app runs: <c>worker</c> (a worker through two cycles, the changing one and a quiet one, measured as
/// one process) and <c>prom</c> / <c>prom15</c> (with it, the Prometheus listener on, scraped every second / every
/// 15 s from the end of the first cycle on). <c>noguard</c> turns the mass-change guard off, so the row shows what the
/// prober alone gets wrong (with the guard, a first pass with many false failures is held and probed again, and costs time instead).
/// <c>addr</c> gives every server an address of its own (127.1.0.1, 127.1.0.2, …: on Linux all of 127/8 reaches a
/// listener on 0.0.0.0), as a real fleet has: no server's connection, listen queue or TIME_WAIT is another's. The
/// farm then listens on every address, so the benchmark must run in a network namespace of its own (see Program.cs).
/// </summary>
public sealed record Scenario(
    string Name, bool SingleThreadFarm, bool HostNames, int TlsPercent, bool Body = false, bool Retry = false, bool Worker = false, int ScrapeSeconds = 0,
    bool NoGuard = false, bool OwnAddresses = false)
{
    public bool Prometheus => ScrapeSeconds > 0;

    /// <summary>The throughput probe's test object: what each server serves at <c>/object</c>.</summary>
    public const int ObjectBytes = 256 * 1024;

    public const int TlsShare = 10;

    public static readonly string[] Defaults = ["kestrel", "single", "kestrel+dns", "kestrel+tls", "kestrel+dns+tls", "single+dns+tls"];

    public static Scenario Parse(string name)
    {
        var parts = name.Split('+');
        var farm = parts[0] switch
        {
            "kestrel" => false,
            "single" => true,
            _ => throw new ArgumentException($"unknown farm '{parts[0]}' in scenario '{name}' (kestrel or single)"),
        };
        var unknown = parts.Skip(1).Except(["dns", "tls", "body", "retry", "worker", "prom", "prom15", "noguard", "addr"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown part '{unknown[0]}' in scenario '{name}' (dns, tls, body, retry, worker, prom, prom15, noguard, addr)");
        }

        var scrapeSeconds = parts.Contains("prom") ? 1 : parts.Contains("prom15") ? 15 : 0;
        if (scrapeSeconds > 0 && !parts.Contains("worker"))
        {
            throw new ArgumentException($"scenario '{name}': the Prometheus listener serves workers only (add worker)");
        }

        if (parts.Contains("worker") && parts.Contains("dns"))
        {
            throw new ArgumentException($"scenario '{name}': worker runs are not measured inside the DNS namespace");
        }

        if (farm && parts.Contains("body"))
        {
            throw new ArgumentException($"scenario '{name}': the body part needs the kestrel farm");
        }

        return new Scenario(name, farm, parts.Contains("dns"), parts.Contains("tls") ? TlsShare : 0, parts.Contains("body"), parts.Contains("retry"),
            parts.Contains("worker"), scrapeSeconds, parts.Contains("noguard"), parts.Contains("addr"));
    }

    /// <summary>Every tenth server (by index) speaks TLS when the scenario has a TLS share.</summary>
    public bool UsesTls(int index) => TlsPercent > 0 && index % (100 / TlsPercent) == 0;

    /// <summary>What a row is compared with: the same run without the Prometheus listener, else the plain farm.</summary>
    public string Baseline => Prometheus ? string.Join('+', Name.Split('+').Where(part => !part.StartsWith("prom", StringComparison.Ordinal))) : Name.Split('+')[0];

    public string Host(int index) => HostNames ? $"s{index}.{LoopbackDns.Domain}" : Address(index);

    /// <summary>Server i's address: its own with <c>addr</c> (127.1.0.1 on), else the farm's one.</summary>
    public string Address(int index) => OwnAddresses ? OwnAddress(index) : "127.0.0.1";

    public static string OwnAddress(int index)
    {
        var n = index + 1 + (1 << 16);
        return $"127.{n >> 16}.{(n >> 8) & 0xff}.{n & 0xff}";
    }
}
