using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WireMock.Server;
using WireMock.Settings;

namespace CachetSync.Tests.Support;

/// <summary>
/// Servers and ports for tests, on 127.0.0.1 only. No port is ever found free, let go and handed on (another test
/// could bind it in between): servers bind port 0 themselves, a refused port is held, and a port the program under
/// test must listen on comes from where nothing else is given one.
/// </summary>
public static class Loopback
{
    private static readonly Socket Refusing = BoundNotListening();
    private static int _nextProgramPort = FirstEphemeralPort();

    /// <summary>A WireMock server on a port the kernel chose for it.</summary>
    /// <remarks>
    /// WireMock.Net turns the literal "127.0.0.1" into "localhost" and then listens on [::1] as well. Spelling the
    /// address "127.0.0.01" (the same address) slips past that string match, so Kestrel binds 127.0.0.1 alone; its
    /// Urls then name the port it was given.
    /// </remarks>
    public static WireMockServer StartWireMock() =>
        WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.01:0"] });

    /// <summary>
    /// A port where a connection is refused: this process holds it bound but never listens, so no other socket can
    /// take it (it is bound without SO_REUSEADDR) and the kernel answers every SYN with a reset.
    /// </summary>
    public static int RefusedPort { get; } = ((IPEndPoint)Refusing.LocalEndPoint!).Port;

    /// <summary>
    /// A port for a listener the program under test opens itself, from its configuration (it cannot be told to bind
    /// port 0 and say which it got). It comes from just below the kernel's ephemeral range, where neither a bind to
    /// port 0 nor an outgoing connection is ever given a port, and each is handed to one caller of this process only;
    /// one some other program holds is passed over.
    /// </summary>
    public static int PortForTheProgram()
    {
        while (true)
        {
            var port = Interlocked.Decrement(ref _nextProgramPort);
            if (port < 1024)
            {
                throw new InvalidOperationException("no port left below the ephemeral range");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Another program's fixed port: the next one down.
            }
        }
    }

    private static Socket BoundNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>The low end of /proc/sys/net/ipv4/ip_local_port_range (32768 where it cannot be read).</summary>
    private static int FirstEphemeralPort()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32768;
        }
    }
}
