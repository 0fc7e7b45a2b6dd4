using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Probing;

/// <summary>
/// Probes an <c>icmp://host</c> server with <see cref="ProbeSettings.PingCount"/> echoes, one after another, sharing
/// <c>Probe.Timeout</c>: every echo answered is Ok (latency: their mean round trip); a lost one is a connection error.
/// Unprivileged processes may send echoes only where the kernel allows ping sockets; where it does not, the servers
/// are <see cref="ProbeKind.NotProbed"/> with the remedy named — the machine's limit, never the server's outage.
/// </summary>
/// <param name="gate">Whose lookup threads resolve names, never the thread pool (see <see cref="LookupThreads"/>).</param>
public sealed class IcmpProber(ProbeSettings settings, TimeProvider time, SetupGate gate, ILogger<IcmpProber> logger)
{
    /// <summary>
    /// The narrowest sysctl that lets this process ping: its own group only, as the shipped manifests set it (the
    /// image's app group is 1654), not every group on the machine.
    /// </summary>
    public static readonly string PingGroupHint = OwnGroupOnly(ProcessGroup());

    public static readonly string NotPermitted =
        $"not probed: this process may not send ICMP echoes (allow ping sockets for its group: {PingGroupHint}, or grant CAP_NET_RAW)";

    private static readonly byte[] Payload = new byte[32];
    private int _refusalLogged;
    private int _pingSocketsRefused;

    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var started = time.GetTimestamp();
        try
        {
            var address = (await gate.Lookups.AddressesOfAsync(url.IdnHost, timeout.Token)).First();
            return await EchoAsync(address, started, timeout.Token);
        }
        catch (LookupAbandonedException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.ResolverSilent(url.IdnHost, time.GetElapsedTime(started), settings.Timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Failed(ProbeKind.Timeout, time.GetElapsedTime(started), $"no echo within {settings.Timeout.TotalSeconds:0.###} s");
        }
        catch (SocketException ex)
        {
            var (kind, detail) = ProbeFailureClassifier.FromSocketError(ex.SocketErrorCode);
            return ProbeResult.Failed(kind, time.GetElapsedTime(started), detail);
        }
        catch (Exception ex) when (ex is PingException or PlatformNotSupportedException)
        {
            // No raw socket, no ping socket: .NET then looks for the ping utility, and says so when there is none.
            return Refused(ex, time.GetElapsedTime(started));
        }
    }

    private async Task<ProbeResult> EchoAsync(IPAddress address, long started, CancellationToken cancellationToken)
    {
        var perEcho = settings.Timeout / settings.PingCount;
        var answered = TimeSpan.Zero;
        var lost = new List<IPStatus>();
        for (var echo = 0; echo < settings.PingCount; echo++)
        {
            var sent = time.GetTimestamp();
            var status = await EchoOnceAsync(address, perEcho, cancellationToken);
            if (status == IPStatus.Success)
            {
                // Timed here, not by PingReply.RoundtripTime: that is whole milliseconds, and a LAN answers in less.
                answered += time.GetElapsedTime(sent);
            }
            else
            {
                lost.Add(status);
            }
        }

        var count = settings.PingCount;
        if (lost.Count == 0)
        {
            var mean = answered / count;
            return new ProbeResult(ProbeKind.Ok, null, mean, $"{count} echoes, mean {mean.TotalMilliseconds:0.#} ms");
        }

        var why = string.Join(", ", lost.Distinct());
        return ProbeResult.Failed(ProbeKind.NetworkError, time.GetElapsedTime(started), $"{lost.Count} of {count} echoes lost ({why})");
    }

    /// <summary>A ping socket where the kernel allows one; else .NET's <see cref="Ping"/> (raw socket, privileged).</summary>
    private async Task<IPStatus> EchoOnceAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _pingSocketsRefused) == 0)
        {
            if (await PingSocket.EchoAsync(address, timeout, cancellationToken) is { } status)
            {
                return status;
            }

            Volatile.Write(ref _pingSocketsRefused, 1);
        }

        using var ping = new Ping();
        var reply = await ping.SendPingAsync(address, timeout, Payload, options: null, cancellationToken);
        return reply.Status;
    }

    private static string OwnGroupOnly(int gid) => $"sysctl net.ipv4.ping_group_range=\"{gid} {gid}\"";

    /// <summary>The real group id of this process (Gid: in /proc/self/status); 0 where that cannot be read.</summary>
    private static int ProcessGroup()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(text => text.StartsWith("Gid:", StringComparison.Ordinal));
            var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 1 } && int.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out var gid) ? gid : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private ProbeResult Refused(Exception exception, TimeSpan elapsed)
    {
        if (Interlocked.Exchange(ref _refusalLogged, 1) == 0)
        {
            logger.LogError(
                "ICMP probes cannot be sent: {Reason}. Allow ping sockets for this process's group ({Sysctl}; Kubernetes: "
                + "securityContext.sysctls) or grant CAP_NET_RAW. Those servers are left as they are",
                "neither a ping socket nor a raw socket is allowed", PingGroupHint);
            // .NET's own words name its last resort, the ping utility, which an image need not have: not the remedy.
            logger.LogDebug(exception, "ICMP refused");
        }

        return ProbeResult.Failed(ProbeKind.NotProbed, elapsed, NotPermitted);
    }
}
