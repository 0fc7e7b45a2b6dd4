using System.Net;
using System.Net.Sockets;

namespace CachetSync.Probing;

/// <summary>
/// "No route to host" comes from two places: a router on the way, whose ICMP says the server is gone — the server's
/// outage —, or this machine's own routing table (an unreachable, prohibit or blackhole route, no route at all), which
/// refuses before a packet leaves — this machine's fault, never the server's. A UDP socket's connect asks the same
/// routing table and sends nothing, so it tells the two apart at no cost to the network.
/// </summary>
public static class OwnRoute
{
    /// <returns>
    /// The exception to fail the probe with instead of <paramref name="failure"/> when every address is refused by
    /// this machine's own routing; null when the failure came from the network.
    /// </returns>
    public static OwnRouteRefusedException? Refusal(SocketException failure, IReadOnlyList<IPAddress> addresses)
    {
        if (failure.SocketErrorCode is not (SocketError.HostUnreachable or SocketError.NetworkUnreachable) || addresses.Count == 0)
        {
            return null;
        }

        SocketError? refused = null;
        foreach (var address in addresses)
        {
            if (Refuses(address) is not { } error)
            {
                return null;
            }

            refused ??= error;
        }

        return new OwnRouteRefusedException(refused!.Value, addresses[0]);
    }

    /// <summary>What this machine's routing says of <paramref name="address"/>: null when it has a route.</summary>
    public static SocketError? Refuses(IPAddress address)
    {
        using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            udp.Connect(address, 9);
            return null;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
    }
}

/// <summary>This machine's own routing refused the probe's connect: the server was never asked.</summary>
public sealed class OwnRouteRefusedException(SocketError error, IPAddress address)
    : IOException($"not probed: this machine's own routing refuses {address} ({error}: an unreachable, prohibit or blackhole route, or no route)")
{
    public SocketError Error { get; } = error;
}
