using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace CachetSync.Probing;

/// <summary>
/// One ICMP echo over a Linux ping socket (SOCK_DGRAM, IPPROTO_ICMP/ICMPV6): unprivileged, for the groups in
/// <c>net.ipv4.ping_group_range</c>. The kernel sets the identifier and checksum and hands back only ICMP, no IP header.
/// .NET's <see cref="Ping"/> knows raw sockets (root, CAP_NET_RAW) and the ping utility only, so without this an
/// unprivileged container could not ping at all.
/// </summary>
public static class PingSocket
{
    private const int HeaderBytes = 8;
    private static readonly byte[] Payload = "CachetSync echo, 32 bytes long.."u8.ToArray();
    private static int _sequence;

    /// <returns>The echo's outcome, or null when the kernel does not let this process open a ping socket.</returns>
    public static async Task<IPStatus?> EchoAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var v4 = target.AddressFamily == AddressFamily.InterNetwork;
        Socket socket;
        try
        {
            socket = new Socket(target.AddressFamily, SocketType.Dgram, v4 ? ProtocolType.Icmp : ProtocolType.IcmpV6);
        }
        catch (SocketException)
        {
            // EACCES outside ping_group_range, EPROTONOSUPPORT on kernels without ping sockets.
            return null;
        }

        using (socket)
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(timeout);
            var sequence = (ushort)Interlocked.Increment(ref _sequence);
            var request = new byte[HeaderBytes + Payload.Length];
            request[0] = v4 ? (byte)8 : (byte)128;
            request[6] = (byte)(sequence >> 8);
            request[7] = (byte)sequence;
            Payload.CopyTo(request, HeaderBytes);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, 0), deadline.Token);
                await socket.SendAsync(request, SocketFlags.None, deadline.Token);
                return await ReplyAsync(socket, v4 ? (byte)0 : (byte)129, sequence, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return IPStatus.TimedOut;
            }
            catch (SocketException ex)
            {
                // The kernel reports an ICMP error (unreachable, TTL exceeded) to a connected ping socket as an error.
                return ex.SocketErrorCode switch
                {
                    SocketError.HostUnreachable or SocketError.ConnectionRefused => IPStatus.DestinationHostUnreachable,
                    SocketError.NetworkUnreachable => IPStatus.DestinationNetworkUnreachable,
                    _ => IPStatus.Unknown,
                };
            }
        }
    }

    private static async Task<IPStatus> ReplyAsync(Socket socket, byte replyType, ushort sequence, CancellationToken cancellationToken)
    {
        var reply = new byte[HeaderBytes + Payload.Length + 64];
        while (true)
        {
            var received = await socket.ReceiveAsync(reply, SocketFlags.None, cancellationToken);
            var replySequence = received >= HeaderBytes ? (ushort)((reply[6] << 8) | reply[7]) : -1;
            if (received >= HeaderBytes && reply[0] == replyType && replySequence == sequence)
            {
                return IPStatus.Success;
            }
        }
    }
}
