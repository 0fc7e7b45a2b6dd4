using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CachetSync.Configuration;
using CachetSync.Probing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CachetSync.Tests.Probing;

/// <summary>
/// Many servers behind one address and port (a load balancer, or the benchmark's farm) share one connection pool in
/// the handler, and the handler gives a new connection to whichever request waited longest. A probe whose own
/// connect was prompt must still be answered over a connection of its own, never wait for another probe's connect
/// that lost its SYN — true of .NET 10's pool, which hands a new connection to the request that asked for it while it
/// waits (a pool that handed it to the longest waiter, as .NET 6's did, would fail this). And a probe whose connect
/// never got through a queue that this cycle's own burst overflowed is looked at again once the burst is over, while
/// one at an address that took no connection at all stays a timeout.
/// </summary>
public sealed class OneAddressManyServersTests : IDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly TcpClient _filler = new();
    private readonly int _port;

    public OneAddressManyServersTests()
    {
        // A listen queue of one, filled: the next SYN is dropped and its connect retries after 1 s.
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        _port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _filler.Connect(IPAddress.Loopback, _port);
    }

    [Fact]
    public async Task A_prompt_connect_carries_its_own_request_while_another_probe_s_connect_waits_out_a_SYN_retransmission()
    {
        var settings = ProberFactory.Settings(TimeSpan.FromSeconds(8));
        using var services = ProberFactory.Services(settings);
        var prober = services.GetRequiredService<HttpProber>();

        var late = prober.ProbeAsync(Url("/late"), verifyTls: true, CancellationToken.None);
        await SynDroppedAsync();
        // Room for one: the prompt probe's connect goes straight in; the late one's waits for its retransmission.
        (await _listener.AcceptAsync()).Dispose();
        var prompt = prober.ProbeAsync(Url("/prompt"), verifyTls: true, CancellationToken.None);
        var carried = await AnswerEveryConnectionAsync(Task.WhenAll(late, prompt));

        carried.Should().HaveCount(2).And.StartWith("/prompt", "the first connection accepted is the prompt probe's own, and carries its request");
        (await prompt).Kind.Should().Be(ProbeKind.Ok);
        var lateResult = await late;
        lateResult.Kind.Should().Be(ProbeKind.Ok);
        lateResult.Latency.Should().BeGreaterThanOrEqualTo(HttpProber.SynRetransmission, "the late probe's own connect lost a SYN, and its clock counts that");
    }

    [Fact]
    public async Task A_connect_that_never_got_through_a_queue_other_probes_got_through_late_is_looked_at_again_after_the_burst()
    {
        var settings = ProberFactory.Settings(TimeSpan.FromMilliseconds(2500));
        using var services = ProberFactory.Services(settings);
        // One fresh probe at a time: the second starts when the first has waited 0.25 s (2.5 s × 0.2 × 1/2).
        var probing = Prober(services, settings, ProbeLaunch.Default with { Window = 1, Patience = TimeSpan.FromSeconds(1), SpreadShare = 0.2 })
            .ProbeAllAsync([Server("late"), Server("stuck")], CancellationToken.None);

        await SynDroppedAsync(count: 2);
        var bothDropped = DateTime.UtcNow;
        // Room for one: the first probe's retransmission (1 s after its SYN) takes it; the second's (0.25 s later, and
        // again 1 s after that where the kernel retransmits linearly: tcp_syn_linear_timeouts) find the queue full
        // again. Accepting starts after those and before the second probe's 2.5 s timeout, or soon after it.
        (await _listener.AcceptAsync()).Dispose();
        await Task.Delay(bothDropped.AddSeconds(2.2) - DateTime.UtcNow);
        var carried = await AnswerEveryConnectionAsync(probing);
        var results = await probing;

        results[0].Kind.Should().Be(ProbeKind.Ok, results[0].Detail);
        results[0].ConnectedAfter.Should().BeGreaterThanOrEqualTo(HttpProber.SynRetransmission, "its connect got through on the retransmission");
        results[1].Kind.Should().Be(ProbeKind.Ok, $"its connect never got through this machine's own burst, and it answered at once afterwards ({results[1].Detail})");
        results[1].Detail.Should().EndWith("(probed again once this machine's burst of probes was over: the first probe had no connection within 2.5 s)");
        carried.Should().Equal(["/late", "/stuck"], "the stuck server was asked once, by the second look");
    }

    [Fact]
    public async Task A_connect_that_never_got_through_where_no_probe_got_through_stays_a_timeout()
    {
        var settings = ProberFactory.Settings(TimeSpan.FromMilliseconds(1500));
        using var services = ProberFactory.Services(settings);

        var results = await Prober(services, settings, ProbeLaunch.Default).ProbeAllAsync([Server("dark"), Server("darker")], CancellationToken.None);

        results.Should().AllSatisfy(result =>
        {
            result.Kind.Should().Be(ProbeKind.Timeout);
            result.NeverConnected.Should().BeTrue();
            result.Detail.Should().Be("no connection within 1.5 s", "no probe got through to this address: nothing says the burst was to blame");
        });
    }

    private static ServerProber Prober(ServiceProvider services, ProbeSettings settings, ProbeLaunch launch) =>
        new(services.GetRequiredService<HttpProber>(), services.GetRequiredService<TcpProber>(), services.GetRequiredService<IcmpProber>(),
            services.GetRequiredService<SetupGate>(), settings, TimeProvider.System, NullLogger<ServerProber>.Instance, launch);

    private ServerSettings Server(string name) =>
        new() { Name = name, Url = Url($"/{name}"), ComponentId = 1, Thresholds = ProberFactory.Thresholds };

    private Uri Url(string path) => new($"http://127.0.0.1:{_port}{path}");

    /// <summary>Waits until the kernel shows <paramref name="count"/> connects to the listener stuck in SYN_SENT: their SYNs were dropped.</summary>
    private async Task SynDroppedAsync(int count = 1)
    {
        // 127.0.0.1 as the kernel lists it, alone (tcp) or IPv4-mapped (tcp6: the probe's socket is dual mode).
        var remote = $"0100007F:{_port:X4}";
        for (var waited = 0; waited < 200; waited++)
        {
            var synSent = File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1))
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Count(fields => fields[2].EndsWith(remote, StringComparison.Ordinal) && int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == 2);
            if (synSent >= count)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"fewer than {count} SYNs were sent");
    }

    /// <summary>Accepts connections in order, answering each request 200, until <paramref name="probing"/> ends.</summary>
    /// <returns>The path each accepted connection carried, in the order they were accepted.</returns>
    private async Task<List<string>> AnswerEveryConnectionAsync(Task probing)
    {
        var carried = new List<string>();
        while (true)
        {
            var accepting = _listener.AcceptAsync();
            if (await Task.WhenAny(accepting, probing) != accepting)
            {
                return carried;
            }

            using var connection = await accepting;
            var buffer = new byte[4096];
            var read = await connection.ReceiveAsync(buffer);
            carried.Add(Encoding.ASCII.GetString(buffer, 0, read).Split(' ')[1]);
            await connection.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        }
    }

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Dispose();
    }
}
