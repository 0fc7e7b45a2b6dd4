namespace CachetSync.Bench;

/// <summary>How one probed server behaves, and the Cachet status CachetSync must end up setting for it.</summary>
public enum Behaviour
{
    Fast,
    ServiceUnavailable,
    SlowTwoSeconds,
    NeverAnswers,
    ClosedPort,
}

/// <summary>The seeded mix of the issue: 60 % 200 fast, 15 % 503, 10 % 200 after 2 s, 10 % hang, 5 % closed port.</summary>
public static class ServerMix
{
    public static Behaviour[] Create(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Pick(random.NextDouble())).ToArray();
    }

    private static Behaviour Pick(double roll) => roll switch
    {
        < 0.60 => Behaviour.Fast,
        < 0.75 => Behaviour.ServiceUnavailable,
        < 0.85 => Behaviour.SlowTwoSeconds,
        < 0.95 => Behaviour.NeverAnswers,
        _ => Behaviour.ClosedPort,
    };

    /// <summary>With the default thresholds: 503, timeouts and refused connections are major outages; 2 s is slow.</summary>
    public static int ExpectedStatus(Behaviour behaviour) => behaviour switch
    {
        Behaviour.Fast => 1,
        Behaviour.SlowTwoSeconds => 2,
        _ => 4,
    };
}
