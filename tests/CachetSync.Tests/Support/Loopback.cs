using System.Net;
using System.Net.Sockets;
using WireMock.Server;
using WireMock.Settings;

namespace CachetSync.Tests.Support;

/// <summary>Servers for tests, bound to 127.0.0.1 only.</summary>
public static class Loopback
{
    /// <remarks>
    /// WireMock.Net turns the literal "127.0.0.1" into "localhost" and then listens on [::1] as well. Spelling the
    /// address "127.0.0.01" (the same address) slips past that string match, so Kestrel binds 127.0.0.1 alone.
    /// </remarks>
    public static WireMockServer StartWireMock() =>
        WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.01:{FreePort()}"] });

    /// <summary>A port nothing listens on: connecting to it is refused.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
