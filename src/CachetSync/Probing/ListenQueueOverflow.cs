using System.Collections.Concurrent;

namespace CachetSync.Probing;

/// <summary>
/// The addresses whose listen queue dropped a SYN of this cycle's: a probe there connected, but only after a SYN
/// retransmission (<see cref="HttpProber.SynRetransmission"/>). Many servers behind one address share one queue, and
/// this machine's own burst can overflow it; a probe there whose connect never got through is then not yet the
/// server's fault, and is looked at again once the burst is over (<see cref="SecondLook"/>). An address that took no
/// connection at all this cycle is down or unreachable as far as anyone can tell: its timeouts stand.
/// </summary>
internal sealed class ListenQueueOverflow
{
    private readonly ConcurrentDictionary<(string Host, int Port), byte> _seen = new();

    public void Note(Uri url, ProbeResult result)
    {
        if (result.ConnectedAfter >= HttpProber.SynRetransmission)
        {
            _seen.TryAdd(Address(url), 0);
        }
    }

    public bool Seen(Uri url) => _seen.ContainsKey(Address(url));

    private static (string Host, int Port) Address(Uri url) => (url.IdnHost.ToLowerInvariant(), url.Port);
}
