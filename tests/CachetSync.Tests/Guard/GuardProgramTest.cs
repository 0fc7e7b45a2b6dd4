using System.Text.Json;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Guard;

/// <summary>
/// A fleet for the guard's tests: servers on WireMock paths, components in the Cachet stub, and a --once run whose
/// JSON summary is parsed. A dark server is a closed loopback port: its connect is refused, as when the prober's
/// own network is cut.
/// </summary>
public abstract class GuardProgramTest : LoopbackProgramTest
{
    /// <summary>Nothing listens here: every connection is refused at once.</summary>
    protected static readonly string Closed = $"http://127.0.0.1:{Loopback.RefusedPort}";

    protected string State => Path.Combine(Run.WorkDirectory, "state.json");

    /// <summary>
    /// A canary from which nothing comes back in a probe timeout (the connection is taken, no answer follows): what a
    /// cut-off machine sees. A refused connection would be an answer: the canary's host sent it.
    /// </summary>
    protected string Silent(string path = "/silent")
    {
        Targets.Given(Request.Create().WithPath(path)).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        return Targets.Urls[0] + path;
    }

    protected JsonArray Fleet(int count, Func<int, string> url, int status = 1)
    {
        var servers = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            Cachet.WithComponent(i, $"edge-{i}", status);
            servers.Add(new JsonObject { ["Name"] = $"edge-{i}", ["Url"] = url(i), ["ComponentId"] = i });
        }

        Cachet.ServeComponents().AcceptStatusWrites();
        return servers;
    }

    protected JsonObject Config(JsonArray servers, JsonObject? guard = null, JsonObject? reports = null) => new()
    {
        ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = CachetStub.Token, ["Timeout"] = "5s" },
        ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
        // Latency is not judged here: a loaded machine must not make a fast server "slow".
        ["Thresholds"] = new JsonObject { ["SlowAfter"] = "off" },
        ["Guard"] = guard ?? new JsonObject(),
        ["Reports"] = reports ?? new JsonObject(),
        ["State"] = new JsonObject { ["Path"] = State },
        ["Servers"] = servers,
    };

    protected async Task<(int ExitCode, JsonElement Summary)> RunOnceAsync(JsonObject config)
    {
        var before = Run.Out.ToString().Length;
        var exit = await Run.RunAsync("--config", Run.WriteConfig(config.ToJsonString()), "--once", "--output", "json");
        var line = Run.Out.ToString()[before..].Trim();
        return (exit, JsonDocument.Parse(line).RootElement);
    }

    protected static IEnumerable<string> Actions(JsonElement summary) =>
        summary.GetProperty("servers").EnumerateArray().Select(server => server.GetProperty("action").GetString()!);
}
