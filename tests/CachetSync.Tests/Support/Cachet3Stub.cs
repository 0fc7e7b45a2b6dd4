using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CachetSync.Tests.Support;

/// <summary>
/// WireMock.Net playing a Cachet 3 API as shared/cachet-api/cachet-3.md describes it (from the cachethq/core sources,
/// not a capture): JSON:API resources under /api, Bearer auth, simple pagination (links.next, no total, per_page
/// clamped to 100), status as {human, value} (or a bare integer with <see cref="PlainStatus"/>), 401 {"message"}.
/// </summary>
public sealed class Cachet3Stub : IDisposable
{
    public const string Token = "3|cachet-three-sanctum-token";

    private readonly Dictionary<int, (string Name, int Status, int? Group)> _components = new();
    private readonly Dictionary<int, string> _groups = new();

    public Cachet3Stub()
    {
        Server = Loopback.StartWireMock();
        Server.Given(Request.Create().WithPath("/api/components").UsingGet()).RespondWith(Response.Create().WithCallback(ComponentPage));
        Server.Given(Request.Create().WithPath("/api/component-groups").UsingGet()).RespondWith(Response.Create().WithCallback(GroupPage));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/components/\d+$")).UsingPut())
            .RespondWith(Response.Create().WithCallback(Put));
        Server.Given(Request.Create().WithPath("/api/incidents").UsingGet()).RespondWith(Response.Create().WithCallback(request =>
        {
            lock (Incidents)
            {
                return Page(request, "/api/incidents", Incidents.Select(incident => (JsonNode)IncidentResource(incident)).ToList());
            }
        }));
        Server.Given(Request.Create().WithPath("/api/incidents").UsingPost()).RespondWith(Response.Create().WithCallback(CreateIncident));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/incidents/\d+/updates$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(UpdateIncident));
        Server.Given(Request.Create().WithPath("/api/metrics").UsingGet()).RespondWith(Response.Create().WithCallback(request =>
        {
            lock (Metrics)
            {
                return Page(request, "/api/metrics", Metrics.Select(metric => (JsonNode)MetricResource(metric)).ToList());
            }
        }));
        Server.Given(Request.Create().WithPath("/api/metrics").UsingPost()).RespondWith(Response.Create().WithCallback(CreateMetric));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/metrics/\d+/points$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(request => Authorized(request)
                ? Message(201, """{"data":{"id":"1","type":"metric_points","attributes":{"id":1}}}""")
                : Message(401, """{"message":"Unauthenticated."}""")));
    }

    /// <summary>Incidents as stored: the POSTed fields plus id; status follows updates.</summary>
    public List<JsonObject> Incidents { get; } = [];

    /// <summary>Metrics as stored: id, name, calc_type.</summary>
    public List<JsonObject> Metrics { get; } = [];

    public int ComponentStatus(int id) => _components[id].Status;

    public IReadOnlyList<(string Path, string Body)> Posts() =>
        Server.LogEntries.Where(entry => entry.RequestMessage.Method == "POST")
            .OrderBy(entry => entry.RequestMessage.DateTime)
            .Select(entry => (entry.RequestMessage.Path, entry.RequestMessage.Body ?? "")).ToList();

    private static JsonObject IncidentResource(JsonObject incident) => new()
    {
        ["id"] = incident["id"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["type"] = "incidents",
        ["attributes"] = new JsonObject
        {
            ["id"] = incident["id"]!.DeepClone(), ["guid"] = Guid.NewGuid().ToString(), ["name"] = incident["name"]!.DeepClone(),
            ["message"] = incident["message"]!.DeepClone(), ["component_id"] = incident["component_id"]?.DeepClone(),
            ["visible"] = incident["visible"]?.DeepClone(), ["notifications"] = incident["notifications"]?.DeepClone(),
            ["status"] = new JsonObject { ["human"] = "status", ["value"] = incident["status"]!.DeepClone() },
        },
    };

    private ResponseMessage CreateIncident(IRequestMessage request)
    {
        if (!Authorized(request))
        {
            return Message(401, """{"message":"Unauthenticated."}""");
        }

        var body = JsonNode.Parse(request.Body!)!.AsObject();
        lock (Incidents)
        {
            // Cachet 3 links the component to the incident; the component's own status does not change.
            var incident = body.DeepClone().AsObject();
            incident["id"] = Incidents.Count + 1;
            Incidents.Add(incident);
            return Message(201, new JsonObject { ["data"] = IncidentResource(incident) }.ToJsonString());
        }
    }

    private ResponseMessage UpdateIncident(IRequestMessage request)
    {
        var id = int.Parse(request.Path.Split('/')[^2]);
        lock (Incidents)
        {
            Incidents[id - 1]["status"] = JsonNode.Parse(request.Body!)!["status"]!.GetValue<int>();
        }

        return Message(201, """{"data":{"id":"1","type":"incident_updates","attributes":{"id":1}}}""");
    }

    private static JsonObject MetricResource(JsonObject metric) => new()
    {
        ["id"] = metric["id"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["type"] = "metrics",
        ["attributes"] = new JsonObject
        {
            ["id"] = metric["id"]!.DeepClone(), ["name"] = metric["name"]!.DeepClone(), ["suffix"] = "ms", ["calc_type"] = metric["calc_type"]!.DeepClone(),
        },
    };

    private ResponseMessage CreateMetric(IRequestMessage request)
    {
        var body = JsonNode.Parse(request.Body!)!;
        lock (Metrics)
        {
            var metric = new JsonObject { ["id"] = Metrics.Count + 1, ["name"] = body["name"]!.DeepClone(), ["calc_type"] = body["calc_type"]?.DeepClone() ?? 0 };
            Metrics.Add(metric);
            return Message(201, new JsonObject { ["data"] = MetricResource(metric) }.ToJsonString());
        }
    }

    public WireMockServer Server { get; }

    public string BaseUrl => Server.Urls[0];

    /// <summary>Statuses as bare integers, as older 3.x builds serialize the enum.</summary>
    public bool PlainStatus { get; set; }

    public Cachet3Stub WithComponent(int id, string name, int status, int? group = null)
    {
        _components[id] = (name, status, group);
        return this;
    }

    public Cachet3Stub WithGroup(int id, string name)
    {
        _groups[id] = name;
        return this;
    }

    public IReadOnlyList<(int Id, string Body)> Puts() =>
        Server.LogEntries.Where(entry => entry.RequestMessage.Method == "PUT")
            .Select(entry => (int.Parse(entry.RequestMessage.Path.Split('/')[^1]), entry.RequestMessage.Body ?? ""))
            .OrderBy(put => put.Item1).ToList();

    private bool Authorized(IRequestMessage request) =>
        request.Headers!.TryGetValue("Authorization", out var value) && value.FirstOrDefault() == $"Bearer {Token}";

    private JsonObject Resource(int id)
    {
        var (name, status, group) = _components[id];
        return new JsonObject
        {
            ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = "components",
            ["attributes"] = new JsonObject
            {
                ["id"] = id, ["name"] = name, ["description"] = "", ["link"] = null, ["order"] = 0, ["enabled"] = true, ["meta"] = null,
                ["status"] = PlainStatus ? status : new JsonObject { ["human"] = $"status {status}", ["value"] = status },
                ["latest_status"] = new JsonObject { ["human"] = $"status {status}", ["value"] = status },
            },
            ["relationships"] = new JsonObject
            {
                ["group"] = new JsonObject { ["data"] = group is { } g ? new JsonObject { ["type"] = "component_groups", ["id"] = g.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null },
            },
            ["links"] = new JsonObject { ["self"] = $"{BaseUrl}/api/components/{id}" },
        };
    }

    private ResponseMessage ComponentPage(IRequestMessage request) =>
        Page(request, "/api/components", _components.Keys.Order().Select(id => (JsonNode)Resource(id)).ToList());

    private ResponseMessage GroupPage(IRequestMessage request) =>
        Page(request, "/api/component-groups", _groups.OrderBy(pair => pair.Key).Select(pair => (JsonNode)new JsonObject
        {
            ["id"] = pair.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), ["type"] = "component_groups",
            ["attributes"] = new JsonObject { ["id"] = pair.Key, ["name"] = pair.Value, ["order"] = 0, ["collapsed"] = false, ["visible"] = true },
        }).ToList());

    private static ResponseMessage Page(IRequestMessage request, string path, List<JsonNode> all)
    {
        var perPage = Math.Clamp(int.Parse(request.Query!["per_page"].Single()), 1, 100);
        var page = int.Parse(request.Query!["page"].Single());
        var data = all.Skip((page - 1) * perPage).Take(perPage).ToArray();
        var hasNext = page * perPage < all.Count;
        return Message(200, new JsonObject
        {
            ["data"] = new JsonArray(data),
            ["links"] = new JsonObject
            {
                ["first"] = $"{path}?page=1", ["last"] = null, ["prev"] = page > 1 ? $"{path}?page={page - 1}" : null,
                ["next"] = hasNext ? $"{path}?page={page + 1}" : null,
            },
            ["meta"] = new JsonObject { ["current_page"] = page, ["from"] = (page - 1) * perPage + 1, ["path"] = path, ["per_page"] = perPage, ["to"] = (page - 1) * perPage + data.Length },
        }.ToJsonString());
    }

    private ResponseMessage Put(IRequestMessage request)
    {
        if (!Authorized(request))
        {
            return Message(401, """{"message":"Unauthenticated."}""");
        }

        var id = int.Parse(request.Path.Split('/')[^1]);
        var status = JsonNode.Parse(request.Body!)!["status"]!.GetValue<int>();
        if (status is < 1 or > 6)
        {
            return Message(422, """{"message":"The selected status is invalid.","errors":{"status":["The selected status is invalid."]}}""");
        }

        _components[id] = _components[id] with { Status = status };
        return Message(200, new JsonObject { ["data"] = Resource(id) }.ToJsonString());
    }

    private static ResponseMessage Message(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };

    public void Dispose() => Server.Dispose();
}
