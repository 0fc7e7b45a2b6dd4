using System.Globalization;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CachetSync.Tests.Support;

/// <summary>
/// WireMock.Net playing a running Cachet 3 as shared/cachet-api/cachet-3-transcript.txt captured it (cachethq/cachet
/// 3.x, core 9627aa66): JSON:API resources under /api as application/vnd.api+json, Bearer auth, simple pagination
/// whose <c>links</c> hold only the keys that apply (no <c>last</c>, no nulls) and whose <c>meta.per_page</c> echoes
/// the query as a string, status as {human, value}, relationships only with include=group, 201 on creates, 422
/// {"message","errors"}, 401 {"message":"Unauthenticated."}, 403 for a token without the ability, and rate limiting:
/// X-RateLimit-Limit/Remaining on counted answers (reads and writes counted apart), 429 with Retry-After when spent.
/// </summary>
public sealed class Cachet3Stub : IDisposable
{
    public const string Token = "3|cachet-three-sanctum-token";

    /// <summary>A valid token without any ability: writes answer 403.</summary>
    public const string TokenWithoutAbilities = "4|cachet-three-read-only-token";

    private readonly Dictionary<int, (string Name, int Status, int? Group)> _components = new();
    private readonly Dictionary<int, string> _groups = new();
    private readonly Dictionary<int, int> _latest = new();
    private int _reads;
    private int _writes;

    public Cachet3Stub()
    {
        Server = Loopback.StartWireMock();
        Serve("GET", "/api/components", ComponentPage);
        Serve("GET", "/api/component-groups", GroupPage);
        Serve("PUT", @"^/api/components/\d+$", Put);
        Serve("GET", @"^/api/components/\d+$", request =>
            _components.ContainsKey(int.Parse(request.Path.Split('/')[^1], CultureInfo.InvariantCulture))
                ? Resource(200, new JsonObject { ["data"] = ComponentResource(int.Parse(request.Path.Split('/')[^1], CultureInfo.InvariantCulture), withGroup: false) })
                : Json(404, """{"message":"Not found."}"""));
        Serve("GET", @"^/api/incidents/\d+$", request =>
        {
            lock (Incidents)
            {
                var id = int.Parse(request.Path.Split('/')[^1], CultureInfo.InvariantCulture);
                return Incidents.FirstOrDefault(incident => incident["id"]!.GetValue<int>() == id) is { } incident
                    ? Resource(200, new JsonObject { ["data"] = IncidentResource(incident) })
                    : Json(404, """{"message":"Not found."}""");
            }
        });
        Serve("GET", "/api/incidents", IncidentPage);
        Serve("POST", "/api/incidents", CreateIncident);
        Serve("POST", @"^/api/incidents/\d+/updates$", UpdateIncident);
        Serve("GET", "/api/metrics", request =>
        {
            lock (Metrics)
            {
                return Page(request, "/api/metrics", Metrics.Select(metric => (JsonNode)MetricResource(metric)).ToList());
            }
        });
        Serve("POST", "/api/metrics", CreateMetric);
        Serve("POST", @"^/api/metrics/\d+/points$", request => Resource(201, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["id"] = "1", ["type"] = "metricPoints",
                ["attributes"] = new JsonObject { ["id"] = 1, ["metric_id"] = int.Parse(request.Path.Split('/')[^2], CultureInfo.InvariantCulture), ["value"] = JsonNode.Parse(request.Body!)!["value"]!.DeepClone(), ["counter"] = 1 },
            },
        }));
        Serve("GET", "/api/version", _ => Json(200, """{"data":{"version":"3.x-dev"}}"""));
    }

    public WireMockServer Server { get; }

    public string BaseUrl => Server.Urls[0];

    /// <summary>Incidents as stored: the POSTed fields, id, and the status of the latest update.</summary>
    public List<JsonObject> Incidents { get; } = [];

    /// <summary>Metrics as stored: id, name, calc_type.</summary>
    public List<JsonObject> Metrics { get; } = [];

    /// <summary>Statuses as bare integers, as some 3.x builds serialize the enum.</summary>
    public bool PlainStatus { get; set; }

    /// <summary>Also answer <c>latest_status</c>, as cores after 2026-07 do.</summary>
    public bool LatestStatus { get; set; }

    /// <summary>Requests a minute, reads and writes counted apart (the running server said 60).</summary>
    public int RateLimit { get; set; } = 60;

    public int ComponentStatus(int id) => _components[id].Status;

    /// <param name="latest">The effective status a newer core answers as latest_status (e.g. 6 in a maintenance window).</param>
    public Cachet3Stub WithComponent(int id, string name, int status, int? group = null, int? latest = null)
    {
        _components[id] = (name, status, group);
        if (latest is { } effective)
        {
            _latest[id] = effective;
            LatestStatus = true;
        }

        return this;
    }

    /// <summary>
    /// Serves GET /api/schedules as a newer core would (not captured: the running core had no such route, and without
    /// this call the stub answers 404 like it): JSON:API schedules with their components as relationships; the
    /// filter[status] of the query applies.
    /// </summary>
    public Cachet3Stub ServeSchedules(params (int Id, string Name, int Status, int[] Components)[] schedules)
    {
        Serve("GET", "/api/schedules", request => Page(request, "/api/schedules", schedules
            .Where(schedule => Query(request, "filter[status]") is not { } status || schedule.Status.ToString(CultureInfo.InvariantCulture) == status)
            .Select(schedule => (JsonNode)new JsonObject
            {
                ["id"] = schedule.Id.ToString(CultureInfo.InvariantCulture), ["type"] = "schedules",
                ["attributes"] = new JsonObject { ["id"] = schedule.Id, ["name"] = schedule.Name, ["status"] = new JsonObject { ["human"] = "In progress", ["value"] = schedule.Status } },
                ["relationships"] = new JsonObject
                {
                    ["components"] = new JsonObject
                    {
                        ["data"] = new JsonArray(schedule.Components.Select(id => (JsonNode)new JsonObject { ["type"] = "components", ["id"] = id.ToString(CultureInfo.InvariantCulture) }).ToArray()),
                    },
                },
            }).ToList()));
        return this;
    }

    public Cachet3Stub WithGroup(int id, string name)
    {
        _groups[id] = name;
        return this;
    }

    public IReadOnlyList<(string Path, string Body)> Posts() =>
        Server.LogEntries.Where(entry => entry.RequestMessage.Method == "POST")
            .OrderBy(entry => entry.RequestMessage.DateTime)
            .Select(entry => (entry.RequestMessage.Path, entry.RequestMessage.Body ?? "")).ToList();

    public IReadOnlyList<(int Id, string Body)> Puts() =>
        Server.LogEntries.Where(entry => entry.RequestMessage.Method == "PUT" && entry.ResponseMessage.StatusCode is 200)
            .Select(entry => (int.Parse(entry.RequestMessage.Path.Split('/')[^1], CultureInfo.InvariantCulture), entry.RequestMessage.Body ?? ""))
            .OrderBy(put => put.Item1).ToList();

    /// <summary>Every route answers through the rate limiter and, for writes, the token and ability checks, in the server's order.</summary>
    private void Serve(string method, string path, Func<IRequestMessage, ResponseMessage> answer)
    {
        var request = Request.Create().UsingMethod(method);
        request = path.StartsWith('^') ? request.WithPath(new WireMock.Matchers.RegexMatcher(path)) : request.WithPath(path);
        Server.Given(request).RespondWith(Response.Create().WithCallback(incoming =>
        {
            var write = method != "GET";
            if (write && Bearer(incoming) is not (Token or TokenWithoutAbilities))
            {
                return Json(401, """{"message":"Unauthenticated."}"""); // not counted, no rate-limit headers
            }

            var used = write ? Interlocked.Increment(ref _writes) : Interlocked.Increment(ref _reads);
            var remaining = RateLimit - used;
            if (remaining < 0)
            {
                return WithLimit(Json(429, "{\n    \"message\": \"Too Many Attempts.\"\n}"), 0, retryAfter: 56);
            }

            var answer1 = write && Bearer(incoming) == TokenWithoutAbilities && !Invalid(incoming)
                ? Json(403, "{\n    \"message\": \"Invalid ability provided.\"\n}")
                : answer(incoming);
            return WithLimit(answer1, remaining);
        }));
    }

    /// <summary>Validation runs before the ability check: an invalid body with a token lacking the ability is 422.</summary>
    private static bool Invalid(IRequestMessage request) =>
        request.Method == "PUT" && JsonNode.Parse(request.Body ?? "{}")?["status"]?.GetValue<int>() is not (>= 1 and <= 6);

    private ResponseMessage WithLimit(ResponseMessage message, int remaining, int? retryAfter = null)
    {
        message.Headers!["X-RateLimit-Limit"] = new WireMockList<string>(RateLimit.ToString(CultureInfo.InvariantCulture));
        message.Headers["X-RateLimit-Remaining"] = new WireMockList<string>(Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture));
        if (retryAfter is { } seconds)
        {
            message.Headers["Retry-After"] = new WireMockList<string>(seconds.ToString(CultureInfo.InvariantCulture));
            message.Headers["X-RateLimit-Reset"] = new WireMockList<string>(DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }

        return message;
    }

    private static string? Bearer(IRequestMessage request) =>
        request.Headers!.TryGetValue("Authorization", out var value) && value.FirstOrDefault() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? header["Bearer ".Length..]
            : null;

    private static JsonObject Stamp() => new() { ["human"] = "1 second ago", ["string"] = "2026-11-26 14:58:52" };

    private static string StatusName(int status) => status switch
    {
        1 => "Operational", 2 => "Performance Issues", 3 => "Partial Outage", 4 => "Major Outage", 6 => "Under maintenance", _ => "Unknown",
    };

    private JsonNode StatusNode(int status) =>
        PlainStatus ? status : new JsonObject { ["human"] = StatusName(status), ["value"] = status };

    private JsonObject ComponentResource(int id, bool withGroup)
    {
        var (name, status, group) = _components[id];
        var attributes = new JsonObject
        {
            ["id"] = id, ["name"] = name, ["description"] = null, ["link"] = null, ["order"] = null, ["status"] = StatusNode(status),
            ["enabled"] = true, ["meta"] = null, ["created"] = Stamp(), ["updated"] = Stamp(),
        };
        if (LatestStatus)
        {
            attributes["latest_status"] = StatusNode(_latest.GetValueOrDefault(id, status));
        }

        var resource = new JsonObject { ["id"] = id.ToString(CultureInfo.InvariantCulture), ["type"] = "components", ["attributes"] = attributes };
        if (withGroup)
        {
            resource["relationships"] = new JsonObject
            {
                ["group"] = new JsonObject
                {
                    ["data"] = group is { } g ? new JsonObject { ["type"] = "componentGroups", ["id"] = g.ToString(CultureInfo.InvariantCulture) } : null,
                },
            };
        }

        return resource;
    }

    private ResponseMessage ComponentPage(IRequestMessage request)
    {
        var withGroup = Query(request, "include") == "group";
        return Page(request, "/api/components", _components.Keys.Order().Select(id => (JsonNode)ComponentResource(id, withGroup)).ToList());
    }

    private ResponseMessage GroupPage(IRequestMessage request) =>
        Page(request, "/api/component-groups", _groups.OrderBy(pair => pair.Key).Select(pair => (JsonNode)new JsonObject
        {
            ["id"] = pair.Key.ToString(CultureInfo.InvariantCulture), ["type"] = "componentGroups",
            ["attributes"] = new JsonObject { ["id"] = pair.Key, ["name"] = pair.Value, ["order"] = 0, ["visible"] = 1, ["created"] = Stamp(), ["updated"] = Stamp() },
        }).ToList());

    private static string? Query(IRequestMessage request, string key) =>
        request.Query is { } query && query.TryGetValue(key, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Simple pagination as captured: links without the keys that do not apply, per_page echoed as sent.</summary>
    private ResponseMessage Page(IRequestMessage request, string path, List<JsonNode> all)
    {
        var asked = Query(request, "per_page");
        var perPage = asked is null ? 15 : Math.Clamp(int.Parse(asked, CultureInfo.InvariantCulture), 1, 100);
        var page = int.TryParse(Query(request, "page"), CultureInfo.InvariantCulture, out var number) ? number : 1;
        var data = all.Skip((page - 1) * perPage).Take(perPage).ToArray();
        var url = $"{BaseUrl}{path}";
        var links = new JsonObject { ["first"] = $"{url}?page=1" };
        if (page > 1)
        {
            links["prev"] = $"{url}?page={page - 1}";
        }

        if (page * perPage < all.Count)
        {
            links["next"] = $"{url}?page={page + 1}";
        }

        var empty = data.Length == 0;
        return Resource(200, new JsonObject
        {
            ["data"] = new JsonArray(data),
            ["links"] = links,
            ["meta"] = new JsonObject
            {
                ["current_page"] = page, ["from"] = empty ? null : (page - 1) * perPage + 1, ["path"] = url,
                ["per_page"] = asked is null ? 15 : JsonValue.Create(asked), ["to"] = empty ? null : (page - 1) * perPage + data.Length,
            },
        });
    }

    private ResponseMessage Put(IRequestMessage request)
    {
        var id = int.Parse(request.Path.Split('/')[^1], CultureInfo.InvariantCulture);
        if (Invalid(request))
        {
            return Json(422, """{"message":"The selected status is invalid.","errors":{"status":["The selected status is invalid."]}}""");
        }

        _components[id] = _components[id] with { Status = JsonNode.Parse(request.Body!)!["status"]!.GetValue<int>() };
        return Resource(200, new JsonObject { ["data"] = ComponentResource(id, withGroup: false) });
    }

    private JsonObject IncidentResource(JsonObject incident, bool created = false) => new()
    {
        ["id"] = incident["id"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture),
        ["type"] = "incidents",
        ["attributes"] = new JsonObject
        {
            ["id"] = incident["id"]!.DeepClone(), ["guid"] = Guid.NewGuid().ToString(), ["name"] = incident["name"]!.DeepClone(),
            ["message"] = incident["message"]!.DeepClone(), ["component_id"] = incident["component_id"]?.DeepClone(), ["visible"] = 1, ["stickied"] = false,
            // The create echo has the boolean, reads the stored 0/1.
            ["notifications"] = created ? incident["notifications"]?.DeepClone() : incident["notifications"]?.GetValue<bool>() == true ? 1 : 0,
            ["status"] = new JsonObject { ["human"] = StatusName(incident["status"]!.GetValue<int>()), ["value"] = incident["status"]!.DeepClone() },
            ["occurred"] = new JsonObject { ["human"] = null, ["string"] = null }, ["created"] = Stamp(), ["updated"] = Stamp(),
        },
    };

    /// <summary>Newest first; filter[status] on the stored status, which updates never change (only the shown one).</summary>
    private ResponseMessage IncidentPage(IRequestMessage request)
    {
        var filter = Query(request, "filter[status]");
        lock (Incidents)
        {
            return Page(request, "/api/incidents", Incidents
                .Where(incident => filter is null || incident["stored_status"]!.ToString() == filter)
                .OrderByDescending(incident => incident["id"]!.GetValue<int>())
                .Select(incident => (JsonNode)IncidentResource(incident)).ToList());
        }
    }

    private ResponseMessage CreateIncident(IRequestMessage request)
    {
        var body = JsonNode.Parse(request.Body!)!.AsObject();
        if (body["component_id"] is not null && body["component_status"] is null)
        {
            return Json(422, """{"message":"The component status field is required when component id is present.","errors":{"component_status":["The component status field is required when component id is present."]}}""");
        }

        lock (Incidents)
        {
            // Cachet 3 links the component to the incident; the component's own status does not change.
            var incident = body.DeepClone().AsObject();
            incident["id"] = Incidents.Count + 1;
            incident["stored_status"] = body["status"]!.DeepClone();
            Incidents.Add(incident);
            return Resource(201, new JsonObject { ["data"] = IncidentResource(incident, created: true) });
        }
    }

    private ResponseMessage UpdateIncident(IRequestMessage request)
    {
        var id = int.Parse(request.Path.Split('/')[^2], CultureInfo.InvariantCulture);
        var status = JsonNode.Parse(request.Body!)!["status"]!.GetValue<int>();
        lock (Incidents)
        {
            Incidents[id - 1]["status"] = status;
        }

        return Resource(201, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["id"] = "1", ["type"] = "updates",
                ["attributes"] = new JsonObject { ["id"] = 1, ["updateable_id"] = id, ["updateable_type"] = "incident", ["status"] = new JsonObject { ["human"] = StatusName(status), ["value"] = status } },
            },
        });
    }

    private static JsonObject MetricResource(JsonObject metric) => new()
    {
        ["id"] = metric["id"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture),
        ["type"] = "metrics",
        ["attributes"] = new JsonObject
        {
            ["id"] = metric["id"]!.DeepClone(), ["name"] = metric["name"]!.DeepClone(), ["suffix"] = "ms", ["default_value"] = null,
            ["calc_type"] = metric["calc_type"]!.DeepClone(), ["display_chart"] = true, ["places"] = 2, ["default_view"] = 1, ["threshold"] = 5,
            ["order"] = 0, ["visible"] = 1, ["created"] = Stamp(), ["updated"] = Stamp(),
        },
    };

    private ResponseMessage CreateMetric(IRequestMessage request)
    {
        var body = JsonNode.Parse(request.Body!)!;
        if (body["default_value"] is { } value && value.ToJsonString() is "0" or "0.0" or "\"0\"" or "null")
        {
            return Json(422, """{"message":"The default value field must have 1-2 decimal places.","errors":{"default_value":["The default value field must have 1-2 decimal places."]}}""");
        }

        lock (Metrics)
        {
            var metric = new JsonObject { ["id"] = Metrics.Count + 1, ["name"] = body["name"]!.DeepClone(), ["calc_type"] = body["calc_type"]?.DeepClone() ?? 0 };
            Metrics.Add(metric);
            return Resource(201, new JsonObject { ["data"] = MetricResource(metric) });
        }
    }

    private static ResponseMessage Resource(int status, JsonObject body) => Message(status, body.ToJsonString(), "application/vnd.api+json");

    private static ResponseMessage Json(int status, string body) => Message(status, body, "application/json");

    private static ResponseMessage Message(int status, string body, string contentType) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };

    public void Dispose() => Server.Dispose();
}
