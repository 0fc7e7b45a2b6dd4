using System.Buffers.Binary;
using System.Net.Sockets;

namespace CachetSync.Probing;

/// <summary>What the kernel knows of a TCP connection (Linux's <c>TCP_INFO</c>), for what the prober cannot see from above the socket.</summary>
internal static class TcpInfo
{
    private const int IpProtoTcp = 6;
    private const int TcpInfoOption = 11;

    /// <summary>Where <c>tcpi_unacked</c> sits in <c>struct tcp_info</c>: after eight one-byte fields and four 32-bit ones.</summary>
    private const int UnackedOffset = 24;

    /// <summary>
    /// Whether segments this side sent still wait for the peer's acknowledgement. Just after a connect that waited out a
    /// SYN retransmission, an unacknowledged request means the server's kernel has not taken the connection in: its
    /// listen queue was full when our handshake's last packet came, so it dropped that and the request with it, and
    /// takes the request only when a retransmission finds room. Null where the kernel does not say (not Linux, the socket gone).
    /// </summary>
    public static bool? HasUnacknowledgedData(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> info = stackalloc byte[UnackedOffset + 4];
        try
        {
            var length = socket.GetRawSocketOption(IpProtoTcp, TcpInfoOption, info);
            return length >= UnackedOffset + 4 ? BinaryPrimitives.ReadUInt32LittleEndian(info[UnackedOffset..]) > 0 : null;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
