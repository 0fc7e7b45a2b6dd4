using System.Globalization;
using System.Text.Json.Nodes;
using CachetSync.Configuration;
using CachetSync.Reports;
using CachetSync.Tests.Support;
using CachetSync.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace CachetSync.Tests.Reports;

/// <summary>
/// A real Prometheus (.ci/start-prometheus) scrapes player counters from an exporter this test serves on
/// 127.0.0.1; CachetSync then reads the reports, and their audience, back through Prometheus' query API.
/// </summary>
[Collection(RealPrometheus.Collection)]
public sealed class PrometheusReportQueryTests : LoopbackProgramTest
{
    /// <summary>Timeouts each server's players report per scrape, and its audience (null: the exporter has none).</summary>
    private static readonly (string Server, int TimeoutsPerScrape, int? Sessions)[] Players =
    [
        ("edge-prime", 10, 40_000), // prime time: many reports, a tiny rate
        ("edge-night", 10, 150), // night: as many reports, from 150 viewers
        ("edge-blind", 10, null), // no audience known: judged by count
        ("edge-few", 10, 40), // 40 viewers: too few for a rate, judged by count
        ("edge-quiet", 0, 5_000),
    ];

    private readonly string _run = $"r{Guid.NewGuid():N}";
    private readonly WireMock.Server.WireMockServer _exporter = Loopback.StartWireMock();
    private readonly TestProviders _providers = new();
    private int _scrapes;

    public PrometheusReportQueryTests()
    {
        _exporter.Given(Request.Create().WithPath("/metrics").UsingGet()).RespondWith(Response.Create().WithCallback(_ => Exposition()));
        Targets.Given(Request.Create().WithPath("/ok").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        for (var id = 1; id <= Players.Length; id++)
        {
            Cachet.WithComponent(id, Players[id - 1].Server, 1);
        }

        Cachet.ServeComponents().AcceptStatusWrites();
    }

    private string CountQuery => $$"""sum by (server) (increase(player_timeouts_total{run="{{_run}}"}[{window}]))""";

    private string AudienceQuery => $$"""sum by (server) (max_over_time(player_sessions{run="{{_run}}"}[{window}]))""";

    /// <summary>The counters as a player backend exports them: the timeouts grow with every scrape.</summary>
    private ResponseMessage Exposition()
    {
        var scrape = Interlocked.Increment(ref _scrapes);
        var lines = new List<string> { "# TYPE player_timeouts_total counter", "# TYPE player_sessions gauge" };
        foreach (var (server, perScrape, sessions) in Players)
        {
            lines.Add($$"""player_timeouts_total{server="{{server}}"} {{(perScrape * scrape).ToString(CultureInfo.InvariantCulture)}}""");
            if (sessions is { } audience)
            {
                lines.Add($$"""player_sessions{server="{{server}}"} {{audience.ToString(CultureInfo.InvariantCulture)}}""");
            }
        }

        return new ResponseMessage
        {
            StatusCode = 200,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("text/plain; version=0.0.4") },
            BodyData = new BodyData { BodyAsString = string.Join('\n', lines) + "\n", DetectedBodyType = BodyType.String },
        };
    }

    /// <summary>Until Prometheus holds five samples of every counter, so increase() over them is at least 40.</summary>
    private async Task ScrapedAsync()
    {
        await RealPrometheus.ScrapeAsync(new Uri(_exporter.Urls[0]).Authority, _run);
        var query = $$"""min(count_over_time(player_timeouts_total{run="{{_run}}"}[5m]))""";
        string? samples = null;
        await Eventually.Until(
            () => (samples = RealPrometheus.ValueAsync(query).GetAwaiter().GetResult()) is { } value && int.Parse(value, CultureInfo.InvariantCulture) >= 5,
            $"five scrapes of the exporter (last: {samples ?? "none"})", TimeSpan.FromSeconds(60));
    }

    private JsonObject Config(string countQuery, string? audienceQuery) => new()
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
        ["Reports"] = new JsonObject
        {
            ["Source"] = "Prometheus", ["Url"] = RealPrometheus.Address, ["Query"] = countQuery, ["AudienceQuery"] = audienceQuery,
            ["Window"] = "2h", ["Timeout"] = "10s",
        },
        ["Thresholds"] = new JsonObject
        {
            ["SlowAfter"] = "off",
            ["Reports"] = new JsonArray(
                new JsonObject { ["AtLeast"] = 20, ["Status"] = "PartialOutage" },
                new JsonObject { ["PerThousandAtLeast"] = 5, ["Status"] = "PartialOutage" },
                new JsonObject { ["PerThousandAtLeast"] = 20, ["Status"] = "MajorOutage" }),
        },
        ["Servers"] = new JsonArray(Players.Select((player, index) => (JsonNode)new JsonObject
        {
            ["Name"] = player.Server, ["Url"] = Targets.Urls[0] + "/ok", ["ComponentId"] = index + 1,
        }).ToArray()),
    };

    [PrometheusFact]
    public async Task Reports_and_audiences_scraped_by_Prometheus_set_each_servers_status_by_rate_or_by_count()
    {
        try
        {
            await ScrapedAsync();

            var exitCode = await Run.RunAsync("--config", Run.WriteConfig(Config(CountQuery, AudienceQuery).ToJsonString()), "--once");

            exitCode.Should().Be(0, Run.Everything);
            Cachet.Puts().Should().BeEquivalentTo(
                [(2, """{"status":4}"""), (3, """{"status":3}"""), (4, """{"status":3}""")],
                "edge-night's rate is far above 20‰; edge-blind and edge-few, with no usable audience, have at least 20 reports");
            var output = Run.Out.ToString();
            output.Should().MatchRegex(@"edge-night .* \d+ reports / 150 audience = [\d.]+‰ >= 20‰");
            output.Should().MatchRegex(@"edge-blind .* \d+ reports >= 20 \(no audience known\)");
            output.Should().MatchRegex(@"edge-few .* \d+ reports >= 20 \(audience 40 < 100: too small for a rate\)");
            output.Should().MatchRegex(@"edge-prime .* \d+ / 40000 ", "its reports and audience are shown, and no rule is reached");
        }
        finally
        {
            await RealPrometheus.StopScrapingAsync();
        }
    }

    [PrometheusFact]
    public async Task Queries_Prometheus_refuses_or_answers_in_another_shape_are_named_and_never_crash()
    {
        try
        {
            await ScrapedAsync();
            var refused = new (string Query, string Expected)[]
            {
                ($$"""sum by (server) (increase(player_timeouts_total{run="{{_run}}"}[{window}])""", "answered HTTP 400 and refused \"sum by (server) (increase(player_timeouts_total{run=\"" + _run + "\"}[2h])\": bad_data: "),
                ($$"""player_timeouts_total{run="{{_run}}"}[{window}]""", "answered a matrix for"),
                ($$"""scalar(sum(player_timeouts_total{run="{{_run}}"}))""", "answered a scalar for"),
                ($$"""sum(increase(player_timeouts_total{run="{{_run}}"}[{window}]))""", "answered a series without the label \"server\" (labels {})"),
            };
            foreach (var (query, expected) in refused)
            {
                var act = () => Source(query).ReadAsync(Window(), CancellationToken.None);
                (await act.Should().ThrowAsync<ReportSourceException>($"Prometheus answers {query} so")).Which.Message.Should().StartWith(expected);
            }

            // Values as a real Prometheus writes them: x / 0 is +Inf, 0 / 0 is NaN, and a negated increase is negative.
            var divided = await Source($$"""sum by (server) (increase(player_timeouts_total{run="{{_run}}"}[{window}])) / 0""").ReadAsync(Window(), CancellationToken.None);
            divided.Rejected["edge-prime"].Should().Be("count +Inf is not a number of reports");
            divided.Rejected["edge-quiet"].Should().Be("count NaN is not a number of reports");
            var negated = await Source($$"""-sum by (server) (increase(player_timeouts_total{run="{{_run}}"}[{window}]))""").ReadAsync(Window(), CancellationToken.None);
            negated.Rejected["edge-prime"].Should().MatchRegex(@"^count -\d+(\.\d+)? is not a number of reports$");
            negated.For("edge-quiet").Should().Be(0, "-0 is no report, not a negative count");
        }
        finally
        {
            await RealPrometheus.StopScrapingAsync();
        }
    }

    private static ReportWindow Window() => new(DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow);

    private IReportSource Source(string query)
    {
        var settings = ReportSettings.None with
        {
            Source = ReportSourceKind.Prometheus, Url = RealPrometheus.Address, Timeout = TimeSpan.FromSeconds(10),
            Prometheus = new PrometheusQueries(query, null, PrometheusQueries.DefaultKeyLabel),
        };
        return _providers.Get<IReportSource>(new ServiceCollection().AddReports(settings));
    }

    public override void Dispose()
    {
        _providers.Dispose();
        _exporter.Dispose();
        base.Dispose();
    }
}
