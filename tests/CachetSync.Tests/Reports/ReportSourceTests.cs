using CachetSync.Configuration;
using CachetSync.Reports;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Reports;

public sealed class ReportSourceTests : IDisposable
{
    private static readonly ReportWindow Window = new(
        new DateTimeOffset(2026, 11, 26, 5, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 7, 30, 0, TimeSpan.Zero));
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();
    private readonly TestProviders _providers = new();

    private IReportSource HttpSource(string pathAndQuery, TimeSpan? timeout = null)
    {
        var settings = ReportSettings.None with
        {
            Source = ReportSourceKind.Http, Url = _server.Urls[0] + pathAndQuery, Timeout = timeout ?? TimeSpan.FromSeconds(2),
        };
        return _providers.Get<IReportSource>(new ServiceCollection().AddReports(settings));
    }

    private void Serve(IResponseBuilder response) =>
        _server.Given(Request.Create().WithPath("/reports").UsingGet()).RespondWith(response);

    [Fact]
    public async Task Http_source_fills_in_since_and_reads_the_count_map()
    {
        Serve(Response.Create().WithStatusCode(200).WithBody("""{ "web-1": 12, "web-2": 0, "us1": 55 }"""));

        var counts = await HttpSource("/reports?since={since}").ReadAsync(Window, CancellationToken.None);

        _server.LogEntries.Single().RequestMessage.Query!["since"].Should().Equal("2026-11-26T05:30:00Z");
        counts.For("web-1").Should().Be(12);
        counts.For("US1").Should().Be(55, "report keys match regardless of case");
        counts.For("web-9").Should().Be(0, "a server nobody reported has no reports");
    }

    [Fact]
    public async Task Unusable_counts_are_rejected_one_by_one()
    {
        Serve(Response.Create().WithStatusCode(200).WithBody("""{ "good": 3, "negative": -4, "text": "many", "fraction": 2.5, "nothing": null }"""));

        var counts = await HttpSource("/reports").ReadAsync(Window, CancellationToken.None);

        counts.For("good").Should().Be(3);
        counts.Rejected.Keys.Should().BeEquivalentTo("negative", "text", "fraction", "nothing");
        counts.For("negative").Should().BeNull("an unusable count means probe-only for that server");
    }

    [Theory]
    [InlineData(200, "<html>login</html>", "not JSON")]
    [InlineData(200, "[1, 2, 3]", "expected a JSON object (CountMap), got a JSON array")]
    [InlineData(500, "oops", "answered HTTP 500")]
    public async Task Broken_answer_is_a_report_source_error(int status, string body, string expected)
    {
        Serve(Response.Create().WithStatusCode(status).WithBody(body));

        var act = () => HttpSource("/reports").ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().Contain(expected);
    }

    [Fact]
    public async Task Slow_source_is_bounded_by_its_timeout()
    {
        Serve(Response.Create().WithStatusCode(200).WithBody("{}").WithDelay(TimeSpan.FromSeconds(20)));

        var act = () => HttpSource("/reports", TimeSpan.FromMilliseconds(300)).ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).WithMessage("no answer within 0.3 s");
    }

    [Fact]
    public async Task Unreachable_source_is_a_report_source_error()
    {
        var settings = ReportSettings.None with { Source = ReportSourceKind.Http, Url = $"http://127.0.0.1:{Loopback.RefusedPort}/reports" };
        var source = _providers.Get<IReportSource>(new ServiceCollection().AddReports(settings));

        var act = () => source.ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().StartWith("request failed");
    }

    [Fact]
    public async Task File_source_reads_the_same_format()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, """{ "edge-1": 21 }""");
            var source = new FileReportSource(ReportSettings.None with { Source = ReportSourceKind.File, Path = path });

            var counts = await source.ReadAsync(Window, CancellationToken.None);

            counts.For("edge-1").Should().Be(21);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Missing_file_is_a_report_source_error()
    {
        var source = new FileReportSource(ReportSettings.None with { Source = ReportSourceKind.File, Path = "/nonexistent/reports.json" });

        var act = () => source.ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().StartWith("cannot be read");
    }

    public void Dispose()
    {
        _providers.Dispose();
        _server.Dispose();
    }
}
