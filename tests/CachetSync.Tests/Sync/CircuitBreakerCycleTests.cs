using System.Globalization;
using System.Text.Json.Nodes;
using CachetSync.Configuration;
using CachetSync.Sync;
using CachetSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CachetSync.Tests.Sync;

/// <summary>
/// Worker cycles against a Cachet that stays down, wired exactly as the program wires them, on a fake clock:
/// after BreakAfter failed calls the next cycles skip Cachet at once; after BreakFor, one trial, and recovery.
/// </summary>
public sealed class CircuitBreakerCycleTests : IDisposable
{
    private readonly CachetStub _cachet = new();
    private readonly WireMockServer _targets = Loopback.StartWireMock();
    private readonly TestRun _run = new();
    private readonly FakeClock _clock = new(DateTimeOffset.Parse("2026-11-26T10:00:00Z", CultureInfo.InvariantCulture));

    [Fact]
    public async Task Cycles_stop_calling_a_failing_cachet_then_recover_when_it_is_back()
    {
        _targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        _cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1);
        _cachet.Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(CachetStub.ServerError));
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject
            {
                ["BaseUrl"] = _cachet.BaseUrl, ["ApiToken"] = CachetStub.Token,
                ["Resilience"] = new JsonObject { ["MaxRetries"] = 0, ["BreakAfter"] = 3, ["BreakFor"] = "5m" },
            },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "web-1", ["Url"] = _targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "web-2", ["Url"] = _targets.Urls[0] + "/down", ["ComponentId"] = 2 }),
        };
        var path = _run.WriteConfig(config.ToJsonString());
        var configuration = ConfigLoader.Load(path, _run.EnvironmentPrefix);
        var settings = SettingsReader.Read(configuration, dryRun: false).Settings!;
        var environment = new RunEnvironment(_run.Out, _run.Error, _run.EnvironmentPrefix, logging => logging.AddProvider(_run.Logs), _clock);
        using var host = Program.BuildHost(settings, configuration, environment, new CommandLine(path, Once: false, DryRun: false, Help: false, Version: false));
        var cycle = host.Services.GetRequiredService<SyncCycle>();
        var gets = () => _cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Method == "GET");

        for (var failing = 1; failing <= 3; failing++)
        {
            (await cycle.RunAsync(dryRun: false, CancellationToken.None)).CachetError.Should().Contain("HTTP 503");
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var skipped = await cycle.RunAsync(dryRun: false, CancellationToken.None);
        skipped.CachetError.Should().Contain("circuit open");
        skipped.Servers.Should().OnlyContain(server => server.Action == SyncAction.Skipped);
        gets().Should().Be(3, "with the circuit open the cycle does not call Cachet");
        _run.Logs.Lines.Should().Contain(line => line.Contains("Cachet could not be read, nothing will be written") && line.Contains("circuit open"));

        _cachet.Server.ResetMappings();
        _cachet.ServeComponents().AcceptStatusWrites();
        _clock.Advance(TimeSpan.FromMinutes(5));

        var recovered = await cycle.RunAsync(dryRun: false, CancellationToken.None);
        recovered.CachetError.Should().BeNull();
        recovered.Count(SyncAction.Updated).Should().Be(2);
        _cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":4}"""));
    }

    public void Dispose()
    {
        _run.Dispose();
        _targets.Dispose();
        _cachet.Dispose();
    }
}
