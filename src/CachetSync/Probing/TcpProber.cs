using System.Net.Sockets;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>Probes a <c>tcp://host:port</c> server: a completed connect within the timeout is Ok.</summary>
/// <param name="gate">Whose lookup threads resolve names: .NET's own lookup blocks a thread-pool thread for as long as a dead resolver keeps getaddrinfo waiting.</param>
public sealed class TcpProber(ProbeSettings settings, TimeProvider time, SetupGate gate)
{
    /// <param name="timeout">Shorter than <c>Probe.Timeout</c> for a second look (see <see cref="SecondLook"/>).</param>
    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var giveUpAfter = timeout ?? settings.Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(giveUpAfter);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var started = time.GetTimestamp();
        System.Net.IPAddress[] addresses = [];
        try
        {
            // Looked up apart from the connect, so that a silent resolver is told from a silent server.
            addresses = await gate.Lookups.AddressesOfAsync(url.IdnHost, deadline.Token);
            await socket.ConnectAsync(addresses, url.Port, deadline.Token);
            return ProbeResult.Answered(null, time.GetElapsedTime(started));
        }
        catch (LookupAbandonedException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.ResolverSilent(url.IdnHost, time.GetElapsedTime(started), giveUpAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Failed(ProbeKind.Timeout, time.GetElapsedTime(started), $"no connect within {giveUpAfter.TotalSeconds:0.###} s");
        }
        catch (SocketException ex) when (OwnRoute.Refusal(ex, addresses) is { } own)
        {
            return ProbeResult.Failed(ProbeKind.NotProbed, time.GetElapsedTime(started), own.Message);
        }
        catch (SocketException ex)
        {
            var (kind, detail) = ProbeFailureClassifier.FromSocketError(ex.SocketErrorCode);
            return ProbeResult.Failed(kind, time.GetElapsedTime(started), detail);
        }
    }
}
