using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Probing;

/// <summary>
/// A plain-http, headers-only probe is asked without HttpClient (<see cref="PlainHttp"/>). Whatever a server answers,
/// both paths must read it alike: each answer here is probed both ways — as is, and with a body to read, which takes
/// HttpClient's path — and the two results must agree, kind, code and detail.
/// </summary>
public sealed class PlainHttpTests
{
    private static readonly string Big = new('x', 10_000);
    private static readonly string Huge = new('x', 70_000);

    public static TheoryData<string, string, ProbeKind, int?> Answers => new()
    {
        { "an interim 103 before the answer", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ProbeKind.Ok, 200 },
        { "headers past the first 4 KiB", $"HTTP/1.1 200 OK\r\nX-Big: {Big}\r\nContent-Length: 0\r\n\r\n", ProbeKind.Ok, 200 },
        { "HTTP/1.0 and no length", "HTTP/1.0 503 Service Unavailable\r\n\r\n", ProbeKind.Ok, 503 },
        { "headers past 64 KiB", $"HTTP/1.1 200 OK\r\nX-Huge: {Huge}\r\nContent-Length: 0\r\n\r\n", ProbeKind.ProtocolError, null },
        { "a status that is no number", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", ProbeKind.ProtocolError, null },
        { "a header line without a colon", "HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 0\r\n\r\n", ProbeKind.ProtocolError, null },
        { "a space before a header's colon", "HTTP/1.1 200 OK\r\nX-A : b\r\nContent-Length: 0\r\n\r\n", ProbeKind.Ok, 200 },
        { "a folded header line", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 0\r\n\r\n", ProbeKind.Ok, 200 },
        { "a header name with a space in it", "HTTP/1.1 200 OK\r\nX A: b\r\nContent-Length: 0\r\n\r\n", ProbeKind.ProtocolError, null },
        { "the answer cut in its headers", "HTTP/1.1 200 OK\r\nContent-Le", ProbeKind.ConnectionReset, null },
        { "HTTP/2's preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", ProbeKind.ProtocolError, null },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Both_paths_read_an_answer_alike(string what, string answer, ProbeKind kind, int? code)
    {
        using var server = new RawTcpServer(answer);
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);
        var prober = services.GetRequiredService<HttpProber>();
        var url = new Uri(server.Url);
        var withBody = ProbeRequest.Default with { MaxBodyBytes = 1 };
        PlainHttp.Serves(url, ProbeRequest.Default, settings.UserAgent).Should().BeTrue();
        PlainHttp.Serves(url, withBody, settings.UserAgent).Should().BeFalse();

        var plain = await prober.ProbeAsync(url, verifyTls: true, ProbeRequest.Default, CancellationToken.None);
        var client = await prober.ProbeAsync(url, verifyTls: true, withBody, CancellationToken.None);

        plain.Kind.Should().Be(kind, $"{what}: {plain.Detail}");
        plain.StatusCode.Should().Be(code, what);
        (plain.Kind, plain.StatusCode, plain.Detail).Should().Be((client.Kind, client.StatusCode, client.Detail), $"HttpClient reads {what} so");
    }

    [Fact]
    public async Task Both_paths_send_the_same_request_however_long_its_headers()
    {
        using var server = Loopback.StartWireMock();
        server.Given(WireMock.RequestBuilders.Request.Create().UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("ok"));
        var settings = ProberFactory.Settings(ProberFactory.Patient);
        using var services = ProberFactory.Services(settings);
        var prober = services.GetRequiredService<HttpProber>();
        var url = new Uri($"{server.Url}/live/stream-7?quality=hd&x=%20y");
        // Past the 1 KiB the plain path first writes into: it must grow, not cut the request short.
        var request = ProbeRequest.Default with
        {
            Headers = new Dictionary<string, Secret> { ["X-Edge-Key"] = new(new string('k', 3000), mask: false), ["X-Region"] = new("eu-west", mask: false) },
            Authorization = new Secret("Bearer probe-secret", mask: false),
        };
        PlainHttp.Serves(url, request, settings.UserAgent).Should().BeTrue();

        (await prober.ProbeAsync(url, verifyTls: true, request, CancellationToken.None)).StatusCode.Should().Be(200);
        (await prober.ProbeAsync(url, verifyTls: true, request with { MaxBodyBytes = 1 }, CancellationToken.None)).StatusCode.Should().Be(200);

        var sent = server.LogEntries.Select(entry => entry.RequestMessage).ToList();
        sent.Should().HaveCount(2);
        string[] compared = ["Host", "User-Agent", "X-Edge-Key", "X-Region", "Authorization", "Connection"];
        foreach (var name in compared)
        {
            sent[0].Headers![name].Should().Equal(sent[1].Headers![name], $"both paths send {name} alike");
        }

        sent[0].Headers!["Host"].Single().Should().Be($"127.0.0.1:{new Uri(server.Url!).Port}");
        sent[0].Headers!["X-Edge-Key"].Single().Should().HaveLength(3000);
        (sent[0].Method, sent[0].Path, sent[0].RawQuery).Should().Be((sent[1].Method, sent[1].Path, sent[1].RawQuery));
        sent[0].RawQuery.Should().Be("?quality=hd&x=%20y");
    }

    [Fact]
    public void Https_a_body_to_read_or_a_header_that_is_not_ASCII_goes_through_HttpClient()
    {
        var url = new Uri("http://127.0.0.1:8080/health");
        const string agent = "CachetSync-Test/1.0";

        PlainHttp.Serves(url, ProbeRequest.Default, agent).Should().BeTrue();
        PlainHttp.Serves(new Uri("https://127.0.0.1:8443/health"), ProbeRequest.Default, agent).Should().BeFalse();
        PlainHttp.Serves(url, ProbeRequest.Default with { MaxBodyBytes = 1 }, agent).Should().BeFalse();
        PlainHttp.Serves(url, ProbeRequest.Default with { Host = "bücher.example" }, agent).Should().BeFalse();
        PlainHttp.Serves(url, ProbeRequest.Default with { Headers = new Dictionary<string, Secret> { ["X-Who"] = new("Zoë", mask: false) } }, agent).Should().BeFalse();
        PlainHttp.Serves(url, ProbeRequest.Default, "Prüfer/1.0").Should().BeFalse();
    }
}
