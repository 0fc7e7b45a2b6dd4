using System.Text;
using System.Web;
using CachetSync.Configuration;
using CachetSync.Reports;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Reports;

/// <summary>
/// The Prometheus report source against a stub that answers as Prometheus' query API does, in every shape the
/// source must refuse. <see cref="PrometheusReportQueryTests"/> asks a real Prometheus.
/// </summary>
public sealed class PrometheusReportSourceTests : IDisposable
{
    private const string CountQuery = "sum by (server) (increase(player_timeouts_total[{window}]))";
    private const string AudienceQuery = "sum by (server) (avg_over_time(player_sessions[{window}]))";
    private static readonly ReportWindow Window = new(
        new DateTimeOffset(2026, 11, 26, 5, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 7, 30, 0, TimeSpan.Zero));

    private readonly WireMock.Server.WireMockServer _prometheus = Loopback.StartWireMock();
    private readonly TestProviders _providers = new();

    private ReportSettings Settings(string? audienceQuery = null, string? url = null) => ReportSettings.None with
    {
        Source = ReportSourceKind.Prometheus,
        Url = url ?? _prometheus.Urls[0],
        Timeout = TimeSpan.FromSeconds(2),
        Prometheus = new PrometheusQueries(CountQuery, audienceQuery, PrometheusQueries.DefaultKeyLabel),
    };

    private IReportSource Source(ReportSettings settings) =>
        _providers.Get<IReportSource>(new ServiceCollection().AddReports(settings));

    /// <summary>Answers the query whose text contains <paramref name="metric"/>.</summary>
    private void Answer(string metric, IResponseBuilder response) =>
        _prometheus.Given(Request.Create().WithPath("/api/v1/query").UsingPost().WithBody(new WildcardMatcher($"*{Uri.EscapeDataString(metric)}*")))
            .RespondWith(response);

    private void Answer(string metric, string json, int status = 200) =>
        Answer(metric, Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json));

    /// <summary>An instant vector as Prometheus writes it: each sample is [time, "value"].</summary>
    private static string Vector(params (string Labels, string Value)[] series) =>
        """{"status":"success","data":{"resultType":"vector","result":["""
        + string.Join(",", series.Select(item => $$"""{"metric":{{item.Labels}},"value":[1795678200.000,"{{item.Value}}"]}"""))
        + "]}}";

    private static string Server(string name) => $$"""{"server":"{{name}}","job":"player"}""";

    private async Task<string> FailureOf(ReportSettings settings)
    {
        var act = () => Source(settings).ReadAsync(Window, CancellationToken.None);
        return (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message;
    }

    [Fact]
    public async Task Counts_and_audiences_are_asked_for_at_the_windows_end_with_the_window_filled_in()
    {
        Answer("player_timeouts_total", Vector((Server("edge-1"), "12"), (Server("edge-2"), "19.6"), (Server("edge-3"), "0.5")));
        Answer("player_sessions", Vector((Server("edge-1"), "2400"), (Server("edge-4"), "150.2")));
        var settings = Settings(AudienceQuery) with
        {
            BearerToken = new Secret("prometheus-bearer"), Headers = new Dictionary<string, Secret> { ["X-Scope-OrgID"] = new("tenant-7") },
        };

        var counts = await Source(settings).ReadAsync(Window, CancellationToken.None);

        counts.Tally("edge-1").Should().Be(new ServerReports(12, 2400, ReportCounts.DefaultMinAudience));
        counts.For("edge-2").Should().Be(19, "increase() extrapolates up from the whole reports it saw: the whole part keeps them all");
        counts.For("edge-3").Should().Be(0, "half a report is no report: rounding it up would invent one");
        counts.Tally("edge-4").Should().Be(new ServerReports(0, 150, ReportCounts.DefaultMinAudience), "an audience without reports is 0 reports of it");
        counts.Tally("edge-2")!.Value.Audience.Should().BeNull("the audience query does not name edge-2");
        var requests = _prometheus.LogEntries.Select(entry => entry.RequestMessage).ToList();
        requests.Should().HaveCount(2);
        var forms = requests.Select(request => HttpUtility.ParseQueryString(request.Body!)).ToList();
        forms.Select(form => form["query"]).Should().BeEquivalentTo(
            "sum by (server) (increase(player_timeouts_total[2h]))", "sum by (server) (avg_over_time(player_sessions[2h]))");
        forms.Should().OnlyContain(form => form["time"] == "1795678200" && form["timeout"] == "2s");
        requests.Should().OnlyContain(request => request.Headers!["Authorization"].Single() == "Bearer prometheus-bearer"
            && request.Headers["X-Scope-OrgID"].Single() == "tenant-7");
    }

    [Theory]
    [InlineData(90, "90m")]
    [InlineData(60 * 24, "1d")]
    [InlineData(0.5, "30s")]
    public void The_window_becomes_a_PromQL_duration(double minutes, string expected) =>
        PrometheusReportSource.Duration(TimeSpan.FromMinutes(minutes)).Should().Be(expected);

    [Fact]
    public async Task A_value_that_is_no_count_is_refused_for_its_server_alone()
    {
        Answer("player_timeouts_total", Vector(
            (Server("fine"), "7"), (Server("nan"), "NaN"), (Server("inf"), "+Inf"), (Server("minus-inf"), "-Inf"),
            (Server("negative"), "-3"), (Server("words"), "many"), (Server("twice"), "1"), (Server("TWICE"), "2")));

        var counts = await Source(Settings()).ReadAsync(Window, CancellationToken.None);

        counts.For("fine").Should().Be(7);
        counts.Rejected.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["nan"] = "count NaN is not a number of reports",
            ["inf"] = "count +Inf is not a number of reports",
            ["minus-inf"] = "count -Inf is not a number of reports",
            ["negative"] = "count -3 is not a number of reports",
            ["words"] = "count many is not a number of reports",
            ["twice"] = "two series carry server=\"TWICE\" in the count query: sum them in it, e.g. sum by (server) (...)",
        });
        counts.For("twice").Should().BeNull("1 or 2? Either could be meant, and their sum is neither");
    }

    [Fact]
    public async Task A_series_naming_its_server_label_twice_is_refused_for_both_names_not_read_as_its_last()
    {
        Answer("player_timeouts_total", Vector(
            (Server("fine"), "7"), ("""{"server":"edge-1","job":"player","server":"edge-2"}""", "60")));

        var counts = await Source(Settings()).ReadAsync(Window, CancellationToken.None);

        counts.For("fine").Should().Be(7);
        counts.For("edge-1").Should().BeNull();
        counts.For("edge-2").Should().BeNull("the last of two values is as unfounded as the first");
        counts.Rejected["edge-2"].Should().Be("a series names server 2 times (\"edge-1\", \"edge-2\"): it is nobody's count in the count query");
    }

    [Fact]
    public async Task An_unusable_audience_refuses_its_server_not_the_others()
    {
        Answer("player_timeouts_total", Vector((Server("edge-1"), "3"), (Server("edge-2"), "4")));
        Answer("player_sessions", Vector((Server("edge-1"), "NaN"), (Server("edge-2"), "800")));

        var counts = await Source(Settings(AudienceQuery)).ReadAsync(Window, CancellationToken.None);

        counts.Rejected["edge-1"].Should().Be("audience NaN is not a number of viewers");
        counts.Tally("edge-2").Should().Be(new ServerReports(4, 800, ReportCounts.DefaultMinAudience));
    }

    public static TheoryData<int, string, string> Refusals => new()
    {
        {
            400, """{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:9: parse error: unexpected \"]\""}""",
            "answered HTTP 400 and refused \"sum by (server) (increase(player_timeouts_total[2h]))\": bad_data: invalid parameter \"query\": 1:9: parse error: unexpected \"]\""
        },
        {
            503, """{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}""",
            "answered HTTP 503 and refused \"sum by (server) (increase(player_timeouts_total[2h]))\": timeout: query timed out in expression evaluation"
        },
        { 502, "<html>Bad Gateway</html>", "answered HTTP 502" },
        {
            200, """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"server":"edge-1"},"values":[[1,"1"],[2,"2"]]}]}}""",
            "answered a matrix for \"sum by (server) (increase(player_timeouts_total[2h]))\"; an instant vector is needed, one series per server (a range selector [..] needs a function around it, e.g. increase(...))"
        },
        {
            200, """{"status":"success","data":{"resultType":"scalar","result":[1795678200,"12"]}}""",
            "answered a scalar for \"sum by (server) (increase(player_timeouts_total[2h]))\"; an instant vector is needed, one series per server"
        },
        {
            200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"player"},"value":[1795678200,"40"]}]}}""",
            "answered a series without the label \"server\" (labels {\"job\":\"player\"}) for \"sum by (server) (increase(player_timeouts_total[2h]))\"; keep it in the result, e.g. sum by (server) (...)"
        },
        {
            200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"server":"edge-1"},"value":"12"}]}}""",
            "answered a series without a [time, \"value\"] sample for \"sum by (server) (increase(player_timeouts_total[2h]))\""
        },
        {
            200, """{"edge-1": 12}""",
            "answered no Prometheus query result for \"sum by (server) (increase(player_timeouts_total[2h]))\" (no \"status\": \"success\" with \"data\")"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_answer_that_is_no_instant_vector_is_one_clear_error(int status, string body, string expected)
    {
        Answer("player_timeouts_total", body, status);

        (await FailureOf(Settings())).Should().Be(expected);
    }

    [Fact]
    public async Task A_failing_audience_query_fails_the_source_a_rate_without_its_audience_would_judge_wrongly()
    {
        Answer("player_timeouts_total", Vector((Server("edge-1"), "3")));
        Answer("player_sessions", """{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}""", 422);

        (await FailureOf(Settings(AudienceQuery))).Should().Be(
            "answered HTTP 422 and refused \"sum by (server) (avg_over_time(player_sessions[2h]))\": execution: many-to-many matching not allowed");
    }

    [Fact]
    public async Task A_slow_Prometheus_is_bounded_by_the_timeout()
    {
        Answer("player_timeouts_total", Response.Create().WithBody(Vector((Server("edge-1"), "3"))).WithDelay(TimeSpan.FromSeconds(10)));

        (await FailureOf(Settings() with { Timeout = TimeSpan.FromMilliseconds(300) })).Should().Be("no answer within 0.3 s");
    }

    [Fact]
    public async Task A_Prometheus_this_machine_cannot_reach_is_one_clear_error()
    {
        (await FailureOf(Settings(url: $"http://127.0.0.1:{Loopback.RefusedPort}"))).Should().StartWith("request failed (Connection refused");
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_credentials_stay_home()
    {
        using var elsewhere = Loopback.StartWireMock();
        elsewhere.Given(Request.Create()).RespondWith(Response.Create().WithBody(Vector()));
        Answer("player_timeouts_total", Response.Create().WithStatusCode(307).WithHeader("Location", elsewhere.Urls[0] + "/api/v1/query"));

        var message = await FailureOf(Settings() with { BearerToken = new Secret("prometheus-bearer") });

        message.Should().StartWith("answered HTTP 307, a redirect to");
        elsewhere.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task An_answer_over_16_MiB_is_refused()
    {
        Answer("player_timeouts_total", Response.Create().WithBody(new string(' ', HttpReportSource.MaxBodyBytes + 1)));

        (await FailureOf(Settings())).Should().StartWith("request failed (");
    }

    [Fact]
    public async Task Fifty_thousand_series_are_read_and_their_rejections_summarized_in_a_bounded_log()
    {
        // 40 000 series with keys of their own, 10 000 that repeat one of them: a query that forgot to sum by server.
        var series = Enumerable.Range(0, 50_000).Select(i => (Server($"edge-{i % 40_000}"), (i % 40_000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Answer("player_timeouts_total", Vector(series.ToArray()));
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var settings = Settings() with { Timeout = TimeSpan.FromSeconds(30) };
        var reader = new ReportReader(Source(settings), settings, TimeProvider.System, loggers.CreateLogger<ReportReader>());

        var counts = await reader.ReadAsync([], CancellationToken.None);

        counts!.Counts.Should().HaveCount(30_000);
        counts.For("edge-39999").Should().Be(39_999);
        counts.Rejected.Should().HaveCount(10_000);
        logs.Lines.Count(line => line.Contains("ignored:")).Should().Be(ReportReader.MaxKeysLogged);
        logs.Lines.Should().Contain(line => line.Contains("9980 more counts ignored (not listed)"));
        logs.Lines.Should().OnlyContain(line => line.Length < 2000);
    }

    [Fact]
    public async Task The_source_names_Prometheus_without_credentials()
    {
        var url = _prometheus.Urls[0].Replace("http://", "http://scraper:hunter2@", StringComparison.Ordinal);

        Source(Settings(url: url)).Description.Should().Be($"Prometheus {url.Replace("scraper:hunter2@", "***@", StringComparison.Ordinal)}");
    }

    public void Dispose()
    {
        _providers.Dispose();
        _prometheus.Dispose();
    }
}
