using CachetSync.Configuration;
using CachetSync.Sync;

namespace CachetSync.Guard;

/// <summary>
/// One cycle's plans passing the witnesses: every plan goes on at once but a worsening one the probe asks for
/// (<see cref="WitnessCheck.Holds"/>); those wait for the last probe, are asked about together, and go on settled.
/// </summary>
public sealed class WitnessPass(WitnessCheck check, IReadOnlyList<ServerSettings> servers, CancellationToken stopping)
{
    /// <summary>What the witnesses said, once the plans have all passed; null when nobody was asked.</summary>
    public string? Said { get; private set; }

    public async IAsyncEnumerable<PlannedServer> PassAsync(IAsyncEnumerable<PlannedServer> plans)
    {
        var held = new List<PlannedServer>();
        await foreach (var planned in plans)
        {
            if (check.Holds(planned, servers))
            {
                held.Add(planned);
            }
            else
            {
                yield return planned;
            }
        }

        var (settled, said) = await check.SettleAsync(held, servers, stopping);
        Said = said;
        foreach (var planned in settled)
        {
            yield return planned;
        }
    }
}
