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
public sealed class CircuitBreakerCycleTests : LoopbackProgramTest
{
    private readonly FakeClock _clock = new(DateTimeOffset.Parse("2026-11-26T10:00:00Z", CultureInfo.InvariantCulture));

    [Fact]
    public async Task Cycles_stop_calling_a_failing_cachet_then_recover_when_it_is_back()
    {
        Targets.Given(Request.Create().WithPath("/down").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));
        Cachet.WithComponent(1, "web-1", 1).WithComponent(2, "web-2", 1);
        // Cachet down: every read fails, the components and the maintenance schedules alike.
        foreach (var read in new[] { "/api/v1/components", "/api/v1/schedules" })
        {
            Cachet.Server.Given(Request.Create().WithPath(read).UsingGet()).AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(503).WithBody(CachetStub.ServerError));
        }

        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject
            {
                ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token,
                ["Resilience"] = new JsonObject { ["MaxRetries"] = 0, ["BreakAfter"] = 3, ["BreakFor"] = "5m" },
            },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "web-1", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "web-2", ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 2 }),
        };
        var path = Run.WriteConfig(config.ToJsonString());
        var configuration = ConfigLoader.Load(path, Run.EnvironmentPrefix).Tree;
        var settings = SettingsReader.Read(configuration, dryRun: false).Settings!;
        var environment = new RunEnvironment(Run.Out, Run.Error, Run.EnvironmentPrefix, logging => logging.AddProvider(Run.Logs), _clock);
        using var host = Program.BuildHost(settings, configuration, environment, new CommandLine(path, Once: false, DryRun: false, Help: false, Version: false));
        var cycle = host.Services.GetRequiredService<SyncCycle>();
        var gets = () => Cachet.Server.LogEntries.Count(entry => entry.RequestMessage.Method == "GET" && entry.RequestMessage.Path == "/api/v1/components");

        for (var failing = 1; failing <= 3; failing++)
        {
            (await cycle.RunAsync(dryRun: false, CancellationToken.None)).CachetError.Should().Contain("HTTP 503");
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        CycleSummary skipped = null!;
        var whileOpen = await Measured.WhileAsync(async () => skipped = await cycle.RunAsync(dryRun: false, CancellationToken.None));
        skipped.CachetError.Should().Contain("circuit open");
        skipped.Servers.Should().OnlyContain(server => server.Action == SyncAction.Skipped);
        gets().Should().Be(3, "with the circuit open the cycle does not call Cachet");
        Run.Logs.Lines.Should().Contain(line => line.Contains("Cachet could not be read, nothing will be written") && line.Contains("circuit open"));

        Cachet.Server.ResetMappings();
        Cachet.ServeComponents().AcceptStatusWrites().ServeSchedules();
        _clock.Advance(TimeSpan.FromMinutes(5));

        CycleSummary recovered = null!;
        var afterRecovery = await Measured.WhileAsync(async () => recovered = await cycle.RunAsync(dryRun: false, CancellationToken.None));
        recovered.CachetError.Should().BeNull();
        recovered.Count(SyncAction.Updated).Should().Be(2);
        Cachet.Puts().Should().Equal((1, """{"status":4}"""), (2, """{"status":4}"""));

        // What a dashboard sees: the breaker open while Cachet was skipped, closed again after the recovery.
        var port = new Uri(Cachet.BaseUrl).Port;
        double Breaker(List<Measured> measured) =>
            measured.Single(m => m.Instrument == "cachetsync.cachet.circuit.open" && Equals(m["server.port"], port) && Equals(m["cachet.api"], "v1")).Value;
        Breaker(whileOpen).Should().Be(1);
        Breaker(afterRecovery).Should().Be(0);
        whileOpen.Should().Contain(m => m.Instrument == "cachetsync.cachet.request.duration" && Equals(m["server.port"], port) && Equals(m["error.type"], "circuit_open"));
    }
}
