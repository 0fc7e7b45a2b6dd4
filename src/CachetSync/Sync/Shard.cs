using System.Globalization;
using System.Text;
using CachetSync.Configuration;

namespace CachetSync.Sync;

/// <summary>
/// Which servers one run owns when a fleet is split over K runs (a Kubernetes Indexed Job: <c>--shard i/K</c>, or
/// <c>JOB_COMPLETION_INDEX</c> with <c>Shards: K</c>). Rendezvous hashing on the server's name: each server goes to
/// the shard that gives it the highest weight, so every server has exactly one owner, adding or removing a server
/// moves only that server, and going from K to K+1 shards moves only the servers the new shard wins (about 1/(K+1)).
/// The weight is a fixed function of the name's UTF-8 bytes — never <c>string.GetHashCode</c>, which differs
/// between processes — so every run of every shard agrees.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public const int MaxCount = 1000;

    public static Shard All { get; } = new(0, 1);

    public bool IsAll => Count == 1;

    public bool Owns(string serverName) => IsAll || Owner(serverName, Count) == Index;

    public IReadOnlyList<ServerSettings> Filter(IReadOnlyList<ServerSettings> servers) =>
        IsAll ? servers : servers.Where(server => Owns(server.Name)).ToList();

    public static int Owner(string serverName, int count)
    {
        var name = Fnv1a(Encoding.UTF8.GetBytes(serverName));
        var (owner, highest) = (0, 0UL);
        for (var shard = 0; shard < count; shard++)
        {
            var weight = Mix(name ^ ((ulong)(shard + 1) * 0x9E3779B97F4A7C15UL));
            if (weight > highest)
            {
                (owner, highest) = (shard, weight);
            }
        }

        return owner;
    }

    /// <summary>"2/4": the index counts from 0, as Kubernetes' <c>JOB_COMPLETION_INDEX</c> does.</summary>
    public static bool TryParse(string? text, out Shard shard)
    {
        shard = All;
        var parts = text?.Split('/') ?? [];
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count is < 1 or > MaxCount || index >= count)
        {
            return false;
        }

        shard = new Shard(index, count);
        return true;
    }

    public override string ToString() => $"{Index}/{Count}";

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var value in bytes)
        {
            hash = (hash ^ value) * 0x100000001B3UL;
        }

        return hash;
    }

    /// <summary>SplitMix64's finalizer: FNV alone spreads the last bytes poorly, and the weights must look independent.</summary>
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
