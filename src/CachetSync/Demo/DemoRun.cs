using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace CachetSync.Demo;

/// <summary>
/// <c>--demo</c>: one ordinary cycle of the real code (a dry run) against stand-ins that this process starts on
/// 127.0.0.1 and stops when it ends — servers that answer in different ways, a Cachet 2.4 API answering as the captured
/// transcripts in shared/cachet-api do, and a report file — so a newcomer's first command works anywhere, with no
/// network and no Cachet, and shows probes, thresholds, reports and the writes a real run would make.
/// </summary>
public sealed class DemoRun : IAsyncDisposable
{
    /// <summary>A demo server: what it does, the status its component shows now, and its members' reports.</summary>
    private sealed record Stand(string Name, string What, int Shown, int Reports = 0);

    private static readonly Stand[] Fleet =
    [
        new("edge-healthy", "answers 200 at once", 1),
        new("edge-slow", "answers 200 after 800 ms", 1),
        new("edge-failing", "answers 503", 1),
        new("edge-hanging", "takes the connection, never answers", 1),
        new("edge-refused", "refuses the connection", 1),
        new("edge-reported", "answers 200; 25 members reported timeouts", 1, Reports: 25),
        new("edge-recovered", "answers 200 again; the page still shows Major Outage", 4),
    ];

    private readonly List<LoopbackResponder> _responders = [];
    private readonly Socket _refusing = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly string _directory = Directory.CreateTempSubdirectory("cachetsync-demo-").FullName;

    private DemoRun()
    {
    }

    /// <summary>The configuration the demo's cycle runs with (in a folder of its own, removed with the demo).</summary>
    public string ConfigFile => Path.Combine(_directory, "appsettings.json");

    /// <summary>What to do next, said after the demo's summary.</summary>
    public const string Next =
        "That was a demo: 7 stand-in servers, a Cachet 2.4 stand-in and a report file on 127.0.0.1, all gone now; nothing was written anywhere. " +
        "Next: copy appsettings.example.json, set Cachet.BaseUrl and your servers, and run with --config FILE --once --dry-run.";

    public static DemoRun Start()
    {
        var demo = new DemoRun();
        // Bound but not listening: a connect to it is refused at once, and no other process can take the port meanwhile.
        demo._refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var servers = new JsonArray();
        var components = new JsonArray();
        for (var i = 0; i < Fleet.Length; i++)
        {
            var stand = Fleet[i];
            var url = stand.Name == "edge-refused" ? $"http://127.0.0.1:{((IPEndPoint)demo._refusing.LocalEndPoint!).Port}" : demo.Serve(stand.Name);
            servers.Add((JsonNode)new JsonObject { ["Name"] = stand.Name, ["Url"] = url + "/health", ["ComponentId"] = i + 1 });
            components.Add((JsonNode)Component(i + 1, stand));
        }

        var cachet = new LoopbackResponder(target => CachetAnswer(target, components));
        demo._responders.Add(cachet);
        var reports = Path.Combine(demo._directory, "reports.json");
        File.WriteAllText(reports, new JsonObject(Fleet.Where(stand => stand.Reports > 0).Select(stand => KeyValuePair.Create(stand.Name, (JsonNode?)stand.Reports))).ToJsonString());
        File.WriteAllText(demo.ConfigFile, new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = cachet.Url },
            ["Probe"] = new JsonObject { ["Timeout"] = "2s" },
            ["Thresholds"] = new JsonObject { ["SlowAfter"] = "500ms" },
            ["Reports"] = new JsonObject { ["Source"] = "File", ["Path"] = reports },
            ["Servers"] = servers,
        }.ToJsonString());
        return demo;
    }

    /// <summary>What each stand-in does: see <see cref="Fleet"/>.</summary>
    private string Serve(string name)
    {
        var responder = new LoopbackResponder(_ => name switch
        {
            "edge-slow" => (200, "ok", TimeSpan.FromMilliseconds(800)),
            "edge-failing" => (503, "overloaded", TimeSpan.Zero),
            "edge-hanging" => null,
            _ => (200, "ok", TimeSpan.Zero),
        });
        _responders.Add(responder);
        return responder.Url;
    }

    /// <summary>A component as Cachet 2.4 lists it (cachet-2.4-transcript.txt).</summary>
    private static JsonObject Component(int id, Stand stand) => new()
    {
        ["id"] = id, ["name"] = stand.Name, ["description"] = stand.What, ["status"] = stand.Shown, ["order"] = 0, ["group_id"] = 0,
        ["created_at"] = "2026-11-23 06:37:45", ["updated_at"] = "2026-11-23 06:37:45", ["deleted_at"] = null, ["enabled"] = true,
        ["meta"] = null, ["link"] = "", ["status_name"] = stand.Shown == 1 ? "Operational" : "Major Outage", ["tags"] = new JsonArray(),
    };

    /// <summary>The reads a dry run makes of Cachet 2.4: the ping, the components (one page), the schedules (none).</summary>
    private static (int, string, TimeSpan)? CachetAnswer(string target, JsonArray components)
    {
        var path = target.Split('?')[0];
        var body = path switch
        {
            "/api/v1/ping" => """{"data":"Pong!"}""",
            "/api/v1/components" => Page(components),
            "/api/v1/schedules" => Page([]),
            _ => null,
        };
        return body is null
            ? (404, """{"errors":[{"status":404,"title":"Not Found","detail":"The requested resource could not be found but may be available again in the future."}]}""", TimeSpan.Zero)
            : (200, body, TimeSpan.Zero);
    }

    private static string Page(JsonArray data) => new JsonObject
    {
        ["meta"] = new JsonObject
        {
            ["pagination"] = new JsonObject
            {
                ["total"] = data.Count, ["count"] = data.Count, ["per_page"] = Math.Max(1, data.Count), ["current_page"] = 1, ["total_pages"] = 1,
                ["links"] = new JsonObject { ["next_page"] = null, ["previous_page"] = null },
            },
        },
        ["data"] = data.DeepClone(),
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        foreach (var responder in _responders)
        {
            await responder.DisposeAsync();
        }

        _refusing.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
