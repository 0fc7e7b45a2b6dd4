using CachetSync.Configuration;
using CachetSync.Reports;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Reports;

/// <summary>A report source that redirects, never ends, floods, or names hundreds of thousands of keys.</summary>
public sealed class HostileReportSourceTests : IDisposable
{
    private static readonly ReportWindow Window = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(2));
    private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();
    private readonly TestProviders _providers = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("cachetsync-reports-").FullName;

    private IReportSource Source(ReportSettings settings) =>
        _providers.Get<IReportSource>(new ServiceCollection().AddReports(settings));

    private IReportSource FileSource(string path, TimeSpan? timeout = null) =>
        Source(ReportSettings.None with { Source = ReportSourceKind.File, Path = path, Timeout = timeout ?? TimeSpan.FromSeconds(2) });

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_credentials_stay_home()
    {
        using var elsewhere = Loopback.StartWireMock();
        elsewhere.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        _server.Given(Request.Create().WithPath("/reports").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", elsewhere.Urls[0] + "/steal"));
        var source = Source(ReportSettings.None with
        {
            Source = ReportSourceKind.Http, Url = _server.Urls[0] + "/reports", Timeout = TimeSpan.FromSeconds(2),
            BearerToken = new Secret("report-bearer-1"), Headers = new Dictionary<string, Secret> { ["X-Api-Key"] = new("report-key-2") },
        });

        var act = () => source.ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should()
            .Be($"answered HTTP 302, a redirect to {elsewhere.Urls[0]}/steal: not followed, its credentials would go with it. Set Reports.Url to the final address");
        elsewhere.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_fifo_nobody_writes_to_is_bounded_by_the_timeout()
    {
        var fifo = Path.Combine(_directory, "reports.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var act = () => FileSource(fifo, TimeSpan.FromMilliseconds(500)).ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>().WaitAsync(TimeSpan.FromSeconds(30)))
            .Which.Message.Should().Be("cannot be read (it gave no end within 0.5 s (a FIFO or device nobody writes to?))");
        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().Contain("an earlier read of it has still not returned",
            "a blocked read is not started again, so a worker does not pile up threads");
    }

    [Fact]
    public async Task An_endless_device_is_refused_at_the_size_cap()
    {
        var act = () => FileSource("/dev/zero", TimeSpan.FromSeconds(20)).ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().Be("cannot be read (it is larger than 16 MiB)");
    }

    [Fact]
    public async Task Hundreds_of_thousands_of_unmatched_and_rejected_keys_are_summarized_not_listed()
    {
        var path = Path.Combine(_directory, "many.json");
        var entries = Enumerable.Range(0, 200_000).Select(i => i % 2 == 0 ? $"\"key-{i}\": {i}" : $"\"key-{i}\": -1");
        await File.WriteAllTextAsync(path, "{" + string.Join(",", entries) + "}");
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var settings = ReportSettings.None with { Source = ReportSourceKind.File, Path = path, Timeout = TimeSpan.FromSeconds(20) };
        var reader = new ReportReader(FileSource(path, settings.Timeout), settings, TimeProvider.System, loggers.CreateLogger<ReportReader>());

        var counts = await reader.ReadAsync([], CancellationToken.None);

        counts!.Counts.Should().HaveCount(100_000);
        logs.Lines.Count(line => line.Contains("ignored:")).Should().Be(ReportReader.MaxKeysLogged);
        logs.Lines.Should().Contain(line => line.Contains("99980 more counts ignored (not listed)"));
        logs.Lines.Should().ContainSingle(line => line.Contains("200000 keys match no server")).Which.Length.Should().BeLessThan(2000);
    }

    public void Dispose()
    {
        _providers.Dispose();
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
