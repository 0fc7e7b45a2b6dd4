namespace CachetSync.Probing;

/// <summary>
/// Turns at the CPU-heavy start of a probe: the TLS handshake (with the lookup and connect before it) for HTTPS,
/// the name lookup (getaddrinfo, a blocking call, run on <see cref="LookupThreads"/>) for plain HTTP by name. A probe that needs one
/// waits for its turn before its clock starts, so neither its latency nor its timeout counts the queue — that wait
/// is this machine's, never the server's. Lookups and handshakes take turns apart: a quick lookup never waits
/// behind a slow handshake.
/// </summary>
/// <remarks>
/// Measured in the benchmark (bench/results): 1 000 TLS probes launched within half a second put 1 000 handshakes on two
/// cores at once — the prober's and, on loopback, the farm's — and fast servers were then measured at 1.5–2.5 s
/// (their accept queue starved too). <see cref="HandshakesPerCore"/> turns per core keep a handshake's queue short on
/// this machine, yet are enough for a real network: a turn over a 30 ms round trip lasts ~100 ms, so 2 cores still
/// start ~600 TLS probes a second.
/// </remarks>
public sealed class SetupGate(int handshakes, int lookups)
{
    public const int HandshakesPerCore = 32;

    /// <summary>
    /// A lookup costs this machine little CPU (a thread of its own waits for the resolver), yet no more run at once: at
    /// 128 per core the benchmark's resolver dropped queries, and getaddrinfo waits 5 s before it asks again.
    /// </summary>
    public const int LookupsPerCore = 32;

    /// <summary>
    /// Turns of either kind, whatever the node: a CronJob with no CPU limit sees every core of a 64-core node, and 32
    /// per core there would be 4 096 lookup threads, near a pod's pid limit. 128 still start ~1 000 TLS probes a second
    /// over a 30 ms round trip, more than a machine probes fairly.
    /// </summary>
    public const int MostTurns = 128;

    private readonly SemaphoreSlim _handshakes = new(handshakes);
    private readonly SemaphoreSlim _lookups = new(lookups);

    public SetupGate()
        : this(Environment.ProcessorCount)
    {
    }

    /// <summary>The turns for a machine of <paramref name="cores"/> cores.</summary>
    public SetupGate(int cores)
        : this(Math.Min(MostTurns, HandshakesPerCore * cores), Math.Min(MostTurns, LookupsPerCore * cores))
    {
    }

    /// <summary>Where the turns' lookups run, off the thread pool: a thread for every turn of either kind (an HTTPS probe looks up its name too).</summary>
    public LookupThreads Lookups { get; } = new(handshakes + lookups);

    /// <summary>No probe holds or waits for a turn: no lookup or handshake of this machine's is under way.</summary>
    public bool Idle => _handshakes.CurrentCount == handshakes && _lookups.CurrentCount == lookups;

    /// <summary>What holds the turns: a handshake is CPU; a turn that includes a lookup may be held by a resolver slow to answer.</summary>
    public static string BusyWith(Uri url) => url.HostNameType == UriHostNameType.Dns ? "its resolver slow or its CPU busy" : "its CPU busy";

    /// <summary>"64 TLS handshakes": how many of what a probe of <paramref name="url"/> takes turns at.</summary>
    public string TurnsFor(Uri url) => url.Scheme == Uri.UriSchemeHttps ? Output.Counted.Of(handshakes, "TLS handshake") : Output.Counted.Of(lookups, "name lookup");

    /// <summary>Whether a probe of <paramref name="url"/> needs a turn: it is HTTPS (a handshake), or named (a lookup).</summary>
    public static bool Needs(Uri url) => url.Scheme == Uri.UriSchemeHttps || url.HostNameType == UriHostNameType.Dns;

    /// <returns>
    /// The turn (dispose it, or <see cref="Turn.Release"/> it as soon as the lookup and handshake are done); null when
    /// none came within <paramref name="longest"/>.
    /// </returns>
    public async Task<Turn?> TakeAsync(Uri url, TimeSpan longest, CancellationToken cancellationToken)
    {
        var turns = url.Scheme == Uri.UriSchemeHttps ? _handshakes : _lookups;
        return await turns.WaitAsync(longest > TimeSpan.Zero ? longest : TimeSpan.Zero, cancellationToken) ? new Turn(turns) : null;
    }

    /// <summary>One probe's turn: given back once, however often released.</summary>
    public sealed class Turn(SemaphoreSlim turns) : IDisposable
    {
        private int _released;

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turns.Release();
            }
        }

        public void Dispose() => Release();
    }
}
