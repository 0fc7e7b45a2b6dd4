using System.Net;
using System.Text;
using System.Text.Json;
using CachetSync.Tests.Support;
using CachetSync.Witness;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Witness;

/// <summary>A witness answers signed questions about its own servers only, and refuses everything else, probing nothing.</summary>
public sealed class WitnessRefusalTests : IAsyncLifetime
{
    private readonly WireMockServer _servers = Loopback.StartWireMock();
    private readonly HttpClient _client = new();
    private WitnessHost _witness = null!;

    public async Task InitializeAsync()
    {
        _servers.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        _witness = await WitnessHost.StartAsync(WitnessHost.Fleet(2, i => $"{_servers.Urls[0]}/edge/{i}"));
    }

    public async Task DisposeAsync()
    {
        await _witness.DisposeAsync();
        _client.Dispose();
        _servers.Dispose();
    }

    private async Task<HttpResponseMessage> AskAsync(string body, string? token = WitnessHost.Token, DateTimeOffset? signedAt = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, _witness.Url + "/probe") { Content = new ByteArrayContent(bytes) };
        if (token is not null)
        {
            request.Headers.Add(WitnessSignature.Header, WitnessSignature.SignQuestion(token, signedAt ?? DateTimeOffset.UtcNow, bytes));
        }

        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_question_is_answered_signed_with_each_known_server_and_each_unknown_name()
    {
        var body = """{"servers":["edge-1","edge-9"]}""";
        using var response = await AskAsync(body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await response.Content.ReadAsByteArrayAsync();
        var question = response.RequestMessage!.Headers.GetValues(WitnessSignature.Header).Single();
        WitnessSignature.CheckAnswer(WitnessHost.Token, question, response.Headers.GetValues(WitnessSignature.Header).Single(), answer).Should().BeTrue();
        var parsed = JsonDocument.Parse(answer).RootElement;
        parsed.GetProperty("servers").EnumerateArray().Select(seen => (seen.GetProperty("name").GetString(), seen.GetProperty("statusCode").GetInt32(), seen.GetProperty("status").GetInt32()))
            .Should().Equal(("edge-1", 200, 1));
        parsed.GetProperty("unknown").EnumerateArray().Select(name => name.GetString()).Should().Equal("edge-9");
        _servers.LogEntries.Select(entry => entry.RequestMessage.Path).Should().Equal("/edge/1");
    }

    [Theory]
    [InlineData(null, "no X-CachetSync-Signature header")]
    [InlineData("a-wrong-token-0123456789abcdef", "wrong signature")]
    public async Task A_missing_or_wrong_token_gets_401_and_nothing_is_probed(string? token, string why)
    {
        using var response = await AskAsync("""{"servers":["edge-1"]}""", token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain(why);
        _servers.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_question_signed_long_ago_is_a_replay_and_gets_401()
    {
        using var response = await AskAsync("""{"servers":["edge-1"]}""", signedAt: DateTimeOffset.UtcNow.AddMinutes(-10));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("from this witness's clock");
        _servers.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_question_that_brings_a_url_is_refused_and_the_url_never_asked()
    {
        using var other = Loopback.StartWireMock();
        using var response = await AskAsync($$"""{"servers":["edge-1"],"url":"{{other.Urls[0]}}/steal"}""");
        using var asName = await AskAsync($$"""{"servers":["{{other.Urls[0]}}/steal"]}""");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        asName.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await asName.Content.ReadAsStringAsync()).RootElement.GetProperty("unknown")[0].GetString().Should().Be($"{other.Urls[0]}/steal");
        other.LogEntries.Should().BeEmpty("a witness is no open proxy");
        _servers.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task Its_metrics_count_the_questions_by_outcome_where_Telemetry_says()
    {
        var port = Loopback.PortForTheProgram();
        await using var witness = await WitnessHost.StartAsync(WitnessHost.Fleet(1, _ => _servers.Urls[0] + "/edge/1"), metricsPort: port);
        var bytes = Encoding.UTF8.GetBytes("""{"servers":["edge-1"]}""");
        foreach (var token in new[] { WitnessHost.Token, "a-wrong-token-0123456789abcdef" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, witness.Url + "/probe") { Content = new ByteArrayContent(bytes) };
            request.Headers.Add(WitnessSignature.Header, WitnessSignature.SignQuestion(token, DateTimeOffset.UtcNow, bytes));
            using var _ = await _client.SendAsync(request);
        }

        var metrics = await _client.GetStringAsync($"http://127.0.0.1:{port}/metrics");

        metrics.Should().MatchRegex(@"cachetsync_witness_questions_total\{[^}]*outcome=""answered""[^}]*\} 1")
            .And.MatchRegex(@"cachetsync_witness_questions_total\{[^}]*outcome=""unauthorized""[^}]*\} 1");
    }

    [Fact]
    public async Task An_oversized_question_gets_413_and_too_many_names_400()
    {
        var huge = $$"""{"servers":["{{new string('x', WitnessServer.MaxBodyBytes)}}"]}""";
        var many = JsonSerializer.Serialize(new { servers = Enumerable.Range(0, WitnessServer.MaxNames + 1).Select(i => $"s{i}") });

        using var tooLarge = await AskAsync(huge);
        using var tooMany = await AskAsync(many);

        tooLarge.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        tooMany.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        _servers.LogEntries.Should().BeEmpty();
    }
}
