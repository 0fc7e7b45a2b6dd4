using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CachetSync.Tests.Support;

/// <summary>
/// WireMock.Net playing a Cachet 2.4 server: the envelope, pagination and error shapes are those of the capture in
/// shared/cachet-api (timestamps without zone, escaped slashes in links, 200 on create, 401 error envelope).
/// </summary>
public sealed class CachetStub : IDisposable
{
    public const string Token = "cachetsync-test-token-0001";

    private readonly Dictionary<int, JsonObject> _components = new();

    private readonly string _token;

    public CachetStub(string token = Token)
    {
        _token = token;
        Server = Loopback.StartWireMock();
        ServeSchedules();
        // Every 2.x answers /ping (ApiVersion auto asks it once per process), with or without a token.
        Server.Given(Request.Create().WithPath("/api/v1/ping").UsingGet()).AtPriority(100).RespondWith(Json(200, """{"data":"Pong!"}"""));
    }

    public WireMockServer Server { get; }

    public string BaseUrl => Server.Urls[0];

    public CachetStub WithComponent(int id, string name, int status, int groupId = 1)
    {
        _components[id] = new JsonObject
        {
            ["id"] = id, ["name"] = name, ["description"] = "", ["status"] = status, ["order"] = 0,
            ["group_id"] = groupId, ["created_at"] = "2026-11-23 06:37:45", ["updated_at"] = "2026-11-23 06:37:45",
            ["deleted_at"] = null, ["enabled"] = true, ["meta"] = null, ["link"] = "",
            ["status_name"] = StatusName(status), ["tags"] = new JsonArray(),
        };
        return this;
    }

    /// <summary>The component is disabled (<c>enabled: false</c>), as an operator hides one from the page.</summary>
    public CachetStub Disable(int id)
    {
        _components[id]["enabled"] = false;
        return this;
    }

    /// <summary>Serves GET /api/v1/components/groups (paged by per_page and page) with these groups, shaped as Cachet 2.4 answers.</summary>
    public CachetStub ServeGroups(params (int Id, string Name)[] groups)
    {
        Server.Given(Request.Create().WithPath("/api/v1/components/groups").UsingGet())
            .AtPriority(5)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var perPage = int.Parse(request.Query!["per_page"].Single());
                var page = int.Parse(request.Query!["page"].Single());
                var data = groups.Skip((page - 1) * perPage).Take(perPage).Select(group => (JsonNode)new JsonObject
                {
                    ["id"] = group.Id, ["name"] = group.Name, ["created_at"] = "2026-11-23 06:37:45", ["updated_at"] = "2026-11-23 06:37:45",
                    ["order"] = 0, ["collapsed"] = 0, ["visible"] = 1, ["enabled_components"] = new JsonArray(),
                    ["enabled_components_lowest"] = new JsonArray(), ["lowest_human_status"] = null,
                }).ToArray();
                var body = new JsonObject
                {
                    ["meta"] = new JsonObject
                    {
                        ["pagination"] = new JsonObject
                        {
                            ["total"] = groups.Length, ["count"] = data.Length, ["per_page"] = perPage, ["current_page"] = page,
                            ["total_pages"] = Math.Max(1, (int)Math.Ceiling(groups.Length / (double)perPage)),
                            ["links"] = new JsonObject { ["next_page"] = null, ["previous_page"] = null },
                        },
                    },
                    ["data"] = new JsonArray(data),
                };
                return Message(200, body.ToJsonString());
            }));
        return this;
    }

    /// <summary>The incidents the stub holds, as Cachet would list them.</summary>
    public List<JsonObject> Incidents { get; } = [];

    /// <summary>
    /// Serves the incident API as Cachet 2.4 does: POST /incidents (200, and component_id + component_status set the
    /// component too), GET /incidents?component_id= (paged), POST /incidents/{id}/updates (sets the incident's status).
    /// </summary>
    /// <param name="setsComponent">false: a Cachet that takes the incident but silently not its component_status.</param>
    public CachetStub ServeIncidents(bool setsComponent = true)
    {
        Server.Given(Request.Create().WithPath("/api/v1/incidents").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var body = JsonNode.Parse(request.Body!)!.AsObject();
                JsonObject incident;
                lock (Incidents)
                {
                    incident = new JsonObject
                    {
                        ["id"] = NextIncidentId(), ["component_id"] = body["component_id"]?.DeepClone() ?? 0, ["name"] = body["name"]?.DeepClone(),
                        ["status"] = body["status"]?.DeepClone(), ["message"] = body["message"]?.DeepClone(),
                        ["created_at"] = "2026-11-26 14:47:59", ["updated_at"] = "2026-11-26 14:47:59", ["deleted_at"] = null,
                        ["visible"] = body["visible"]?.DeepClone(), ["stickied"] = false, ["occurred_at"] = "2026-11-26 14:47:59", ["user_id"] = 1,
                        ["notifications"] = body["notify"]?.DeepClone() ?? false, ["is_resolved"] = false, ["meta"] = new JsonArray(), ["updates"] = new JsonArray(),
                        ["human_status"] = "Investigating",
                    };
                    Incidents.Add(incident);
                }

                if (setsComponent && body["component_id"]?.GetValue<int>() is { } component && body["component_status"]?.GetValue<int>() is { } status && _components.ContainsKey(component))
                {
                    SetStatusByHand(component, status);
                }

                return Message(200, new JsonObject { ["data"] = incident.DeepClone() }.ToJsonString());
            }));
        Server.Given(Request.Create().WithPath("/api/v1/incidents").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                // WireMock answers on its own threads: the list is read under the lock it is written under.
                lock (Incidents)
                {
                    return Message(200, ListAs24(Incidents, request));
                }
            }));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/incidents/\d+$")).UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                lock (Incidents)
                {
                    return IncidentById(int.Parse(request.Path.Split('/')[^1])) is { } incident
                        ? Message(200, new JsonObject { ["data"] = incident.DeepClone() }.ToJsonString())
                        : Message(404, IncidentNotFound);
                }
            }));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/incidents/\d+/updates$")).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var status = JsonNode.Parse(request.Body!)!["status"]!.GetValue<int>();
                JsonObject incident;
                lock (Incidents)
                {
                    if (IncidentById(int.Parse(request.Path.Split('/')[^2])) is not { } found)
                    {
                        return Message(404, IncidentNotFound);
                    }

                    incident = found;
                    incident["status"] = status;
                    incident["is_resolved"] = status == 4;
                }

                return Message(200, new JsonObject { ["data"] = new JsonObject { ["id"] = 1, ["incident_id"] = incident["id"]!.DeepClone(), ["status"] = status } }.ToJsonString());
            }));
        return this;
    }

    /// <summary>What a human does on the dashboard: deletes an incident (Cachet then answers 404 for it).</summary>
    public void DeleteIncident(int id)
    {
        lock (Incidents)
        {
            Incidents.RemoveAll(incident => incident["id"]!.GetValue<int>() == id);
        }
    }

    /// <summary>A human's incident, on the dashboard: open (Investigating), about the component, without CachetSync's marker.</summary>
    public int OpenIncidentByHand(int componentId, string name)
    {
        lock (Incidents)
        {
            var id = NextIncidentId();
            Incidents.Add(new JsonObject
            {
                ["id"] = id, ["component_id"] = componentId, ["name"] = name, ["status"] = 1, ["message"] = "We are looking into it.",
                ["created_at"] = "2026-11-26 14:40:00", ["updated_at"] = "2026-11-26 14:40:00", ["deleted_at"] = null, ["visible"] = 1,
                ["stickied"] = false, ["occurred_at"] = "2026-11-26 14:40:00", ["user_id"] = 1, ["notifications"] = false, ["is_resolved"] = false,
                ["meta"] = new JsonArray(), ["updates"] = new JsonArray(), ["human_status"] = "Investigating",
            });
            return id;
        }
    }

    /// <summary>Ids are never reused, as in a database: a deleted incident's id stays gone.</summary>
    private int NextIncidentId() => ++_lastIncidentId;

    private int _lastIncidentId;

    private JsonObject? IncidentById(int id) => Incidents.FirstOrDefault(incident => incident["id"]!.GetValue<int>() == id);

    private const string IncidentNotFound =
        """{"errors":[{"id":"0c1f7f6e-3c53-4a55-9d4b-6f3f7a0d8b21","status":404,"title":"Not Found","detail":"No query results for model [CachetHQ\\Cachet\\Models\\Incident]."}]}""";

    /// <summary>Columns of an incident row that 2.4 filters on (its searchable columns).</summary>
    private static readonly string[] IncidentColumns = ["id", "component_id", "name", "status", "visible", "stickied", "user_id"];

    /// <summary>
    /// A list as a running 2.4 answers it (cachet-2.4-quirks-transcript.txt): sort/order honoured; once any parameter
    /// names a filterable column, every parameter but sort, order and per_page is an exact column filter — so
    /// <c>page=1</c> beside <c>component_id=2</c> filters on a column "page" and matches nothing; without a filter,
    /// page pages.
    /// </summary>
    private static string ListAs24(List<JsonObject> rows, IRequestMessage request)
    {
        var query = (request.Query ?? new Dictionary<string, WireMockList<string>>()).ToDictionary(pair => pair.Key, pair => pair.Value.First());
        var perPage = query.TryGetValue("per_page", out var size) ? int.Parse(size) : 20;
        var filters = query.Where(pair => pair.Key is not ("sort" or "order" or "per_page")).ToList();
        var filtered = filters.Any(pair => IncidentColumns.Contains(pair.Key));
        List<JsonObject> selected;
        lock (rows)
        {
            selected = rows.Where(row => !filtered || filters.All(filter => row[filter.Key]?.ToString() == filter.Value)).ToList();
        }

        if (query.TryGetValue("sort", out var sort))
        {
            selected = [.. selected.OrderBy(row => row[sort]?.GetValue<int>() ?? 0)];
            if (query.TryGetValue("order", out var order) && order == "desc")
            {
                selected.Reverse();
            }
        }

        var page = !filtered && query.TryGetValue("page", out var number) ? int.Parse(number) : 1;
        var data = selected.Skip((page - 1) * perPage).Take(perPage).Select(row => (JsonNode)row.DeepClone()).ToArray();
        var pagination = new JsonObject
        {
            ["total"] = selected.Count, ["count"] = data.Length, ["per_page"] = perPage, ["current_page"] = page,
            ["total_pages"] = Math.Max(1, (int)Math.Ceiling(selected.Count / (double)perPage)),
            ["links"] = new JsonObject { ["next_page"] = null, ["previous_page"] = null },
        };
        return new JsonObject { ["meta"] = new JsonObject { ["pagination"] = pagination }, ["data"] = new JsonArray(data) }.ToJsonString();
    }

    /// <summary>The metrics the stub holds: id, name, calc_type.</summary>
    public List<JsonObject> Metrics { get; } = [];

    public CachetStub WithMetric(string name, int calcType)
    {
        // WireMock answers requests concurrently.
        lock (Metrics)
        {
            Metrics.Add(new JsonObject { ["id"] = Metrics.Count + 1, ["name"] = name, ["calc_type"] = calcType, ["suffix"] = "ms", ["threshold"] = 5 });
        }

        return this;
    }

    /// <summary>Serves GET/POST /metrics and POST /metrics/{id}/points as Cachet 2.4 answers them (creates answer 200).</summary>
    public CachetStub ServeMetrics()
    {
        Server.Given(Request.Create().WithPath("/api/v1/metrics").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var pagination = new JsonObject { ["total"] = Metrics.Count, ["count"] = Metrics.Count, ["per_page"] = 1000, ["current_page"] = 1, ["total_pages"] = 1 };
                JsonArray data;
                lock (Metrics)
                {
                    data = new JsonArray(Metrics.Select(metric => (JsonNode)metric.DeepClone()).ToArray());
                }

                return Message(200, new JsonObject { ["meta"] = new JsonObject { ["pagination"] = pagination }, ["data"] = data }.ToJsonString());
            }));
        Server.Given(Request.Create().WithPath("/api/v1/metrics").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var body = JsonNode.Parse(request.Body!)!;
                lock (Metrics)
                {
                    WithMetric(body["name"]!.GetValue<string>(), body["calc_type"]?.GetValue<int>() ?? 0);
                    return Message(200, new JsonObject { ["data"] = Metrics[^1].DeepClone() }.ToJsonString());
                }
            }));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/metrics/\d+/points$")).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
                Message(200, new JsonObject { ["data"] = new JsonObject { ["id"] = 1, ["value"] = JsonNode.Parse(request.Body!)!["value"]!.DeepClone(), ["counter"] = 1 } }.ToJsonString())));
        return this;
    }

    /// <summary>Every request of one method to one path, in order, as (path, body).</summary>
    public IReadOnlyList<(string Path, string Body)> Requests(string method, string path) =>
        Server.LogEntries
            .Where(entry => entry.RequestMessage.Method == method && entry.RequestMessage.Path == path)
            .OrderBy(entry => entry.RequestMessage.DateTime)
            .Select(entry => (entry.RequestMessage.Path, entry.RequestMessage.Body ?? ""))
            .ToList();

    /// <summary>
    /// Serves GET /api/v1/schedules as a running Cachet 2.4 shapes it: each schedule with its schedule_components rows
    /// (component_id, component_status), and a <c>completed_at</c> that is never empty — 2.4 fills an empty one with
    /// the time of the request. With no arguments (the default every stub starts with): no schedules.
    /// </summary>
    public CachetStub ServeSchedules(params (int Id, string Name, int Status, int[] ComponentIds)[] schedules)
    {
        var requestTime = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var data = schedules.Select(schedule => (JsonNode)new JsonObject
        {
            ["id"] = schedule.Id, ["name"] = schedule.Name, ["message"] = "", ["status"] = schedule.Status,
            ["scheduled_at"] = "2026-11-23 06:00:00", ["completed_at"] = schedule.Status == 2 ? "2026-11-23 07:00:00" : requestTime,
            ["created_at"] = "2026-11-23 05:00:00", ["updated_at"] = "2026-11-23 05:00:00", ["deleted_at"] = null,
            ["components"] = new JsonArray(schedule.ComponentIds.Select((component, i) => (JsonNode)new JsonObject
            {
                ["id"] = i + 1, ["schedule_id"] = schedule.Id, ["component_id"] = component, ["component_status"] = 4,
                ["created_at"] = "2026-11-23 05:00:00", ["updated_at"] = "2026-11-23 05:00:00",
            }).ToArray()),
            ["human_status"] = schedule.Status switch { 0 => "Upcoming", 1 => "In Progress", _ => "Complete" },
        }).ToArray();
        var pagination = new JsonObject
        {
            ["total"] = data.Length, ["count"] = data.Length, ["per_page"] = 1000, ["current_page"] = 1, ["total_pages"] = 1,
            ["links"] = new JsonObject { ["next_page"] = null, ["previous_page"] = null },
        };
        Server.Given(Request.Create().WithPath("/api/v1/schedules").UsingGet()).AtPriority(schedules.Length == 0 ? 100 : 5)
            .RespondWith(Json(200, new JsonObject { ["meta"] = new JsonObject { ["pagination"] = pagination }, ["data"] = new JsonArray(data) }.ToJsonString()));
        return this;
    }

    /// <summary>A replica or cache behind: serves a component's row as it was, stamp and all.</summary>
    public void RestoreRow(int id, int status, string updatedAt)
    {
        _components[id]["status"] = status;
        _components[id]["status_name"] = StatusName(status);
        _components[id]["updated_at"] = updatedAt;
    }

    /// <summary>What a human does on the dashboard: sets a component's status directly (Cachet stamps the change).</summary>
    public void SetStatusByHand(int id, int status) => Change(_components[id], status);

    /// <summary>
    /// Cachet answers each status write with the new status, as if applied, but keeps the old one (a cache or read
    /// replica behind, a plugin reverting): later reads show the component as it was, its change stamp untouched.
    /// </summary>
    public CachetStub KeepNoWrites()
    {
        _keepsWrites = false;
        return this;
    }

    /// <summary>Cachet keeps status writes again (after <see cref="KeepNoWrites"/>).</summary>
    public CachetStub KeepWrites()
    {
        _keepsWrites = true;
        return this;
    }

    /// <summary>A change stamp that moves on every read (a proxy rewriting it, a view computing it): it says nothing.</summary>
    public CachetStub StampsMoveOnEveryRead()
    {
        _stampsMoveOnRead = true;
        return this;
    }

    /// <summary>A change stamp that never moves, whatever is written (a Cachet or proxy that sends a fixed one).</summary>
    public CachetStub StampsNeverMove()
    {
        _stampsNeverMove = true;
        return this;
    }

    private bool _keepsWrites = true;
    private bool _stampsMoveOnRead;
    private bool _stampsNeverMove;
    private int _changes;

    /// <summary>The component as a read serves it: with a new stamp on each read, when stamps move on reads.</summary>
    private JsonObject Served(JsonObject component)
    {
        if (_stampsMoveOnRead)
        {
            component["updated_at"] = NextStamp();
        }

        return (JsonObject)component.DeepClone();
    }

    private string NextStamp() =>
        new DateTime(2026, 11, 23, 7, 0, 0).AddSeconds(Interlocked.Increment(ref _changes)).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A status change, stamped as Cachet stamps it: <c>updated_at</c> moves on (a second a change, here).</summary>
    private void Change(JsonObject component, int status)
    {
        if (component["status"]?.GetValue<int>() == status)
        {
            return;
        }

        component["status"] = status;
        component["status_name"] = StatusName(status);
        if (!_stampsNeverMove)
        {
            component["updated_at"] = NextStamp();
        }
    }

    /// <summary>
    /// Serves GET /api/v1/components from the current components (writes show up in later reads), paged by the
    /// request's per_page (default 20) and page, as Cachet does; a page past the end is an empty list.
    /// </summary>
    public CachetStub ServeComponents()
    {
        Server.Given(Request.Create().WithPath("/api/v1/components").UsingGet())
            .AtPriority(10)
            .RespondWith(Response.Create().WithCallback(ComponentPage));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/components/\d+$")).UsingGet())
            .AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
                _components.TryGetValue(int.Parse(request.Path.Split('/')[^1]), out var component)
                    ? Message(200, new JsonObject { ["data"] = Served(component) }.ToJsonString())
                    : Message(404, NotFound)));
        return this;
    }

    /// <summary>PUT /api/v1/components/{id} with a valid token answers the component with the new status, as Cachet does.</summary>
    public CachetStub AcceptStatusWrites()
    {
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/components/\d+$")).UsingPut())
            .AtPriority(10)
            .RespondWith(Response.Create().WithCallback(Echo));
        return this;
    }

    /// <summary>
    /// A PUT that comes while another is under way answers as a real Cachet 2.4 on SQLite did (its database locked):
    /// 400 "bad syntax" with no meta.details, nothing written. Each write takes 100 ms, as a locked database's does.
    /// </summary>
    public CachetStub RefuseOverlappingWritesLikeSqlite()
    {
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v1/components/\d+$")).UsingPut())
            .AtPriority(5)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var overlapping = Interlocked.Increment(ref _writesUnderWay) > 1;
                try
                {
                    Thread.Sleep(100);
                    if (overlapping)
                    {
                        Interlocked.Increment(ref _writesRefusedLocked);
                        return Message(400, DatabaseLocked);
                    }

                    return Echo(request);
                }
                finally
                {
                    Interlocked.Decrement(ref _writesUnderWay);
                }
            }));
        return this;
    }

    /// <summary>The status component <paramref name="id"/> has now, as Cachet keeps it.</summary>
    public int StatusOf(int id) => _components[id]["status"]!.GetValue<int>();

    private int _writesUnderWay;
    private int _writesRefusedLocked;

    /// <summary>How many PUTs <see cref="RefuseOverlappingWritesLikeSqlite"/> refused.</summary>
    public int WritesRefusedLocked => Volatile.Read(ref _writesRefusedLocked);

    /// <summary>What Cachet 2.4 answered for "database is locked" (../shared/cachet-api/README.md, observed 2026-12-07).</summary>
    public const string DatabaseLocked =
        """{"errors":[{"id":"c5b0e8a2-1d3f-4b6e-9a7c-2f4e6d8b0a1c","status":400,"title":"Bad Request","detail":"The request cannot be fulfilled due to bad syntax."}]}""";

    /// <summary>PUT for one component answers with the given status and body instead.</summary>
    public CachetStub FailWrite(int id, int statusCode, string body)
    {
        Server.Given(Request.Create().WithPath($"/api/v1/components/{id}").UsingPut())
            .AtPriority(1)
            .RespondWith(Json(statusCode, body));
        return this;
    }

    public IReadOnlyList<(int Id, string Body)> Puts() =>
        Server.LogEntries
            .Where(entry => entry.RequestMessage.Method == "PUT")
            .Select(entry => (int.Parse(entry.RequestMessage.Path.Split('/')[^1]), entry.RequestMessage.Body ?? ""))
            .OrderBy(put => put.Item1)
            .ToList();

    public int RequestCount => Server.LogEntries.Count();

    private const string NotFound =
        """{"errors":[{"id":"eb4856c6-5838-435c-a220-c5d99fb77b8f","status":404,"title":"Not Found","detail":"No query results for model [CachetHQ\\Cachet\\Models\\Component]."}]}""";

    public static string ServerError =>
        """{"errors":[{"id":"5e4a0d0e-0000-4000-8000-000000000000","status":500,"title":"Internal Server Error","detail":"The server encountered an internal error."}]}""";

    public static string Unauthorized =>
        """{"errors":[{"id":"758a7389-82cc-46d1-b675-a6e3faa59e9b","status":401,"title":"Unauthorized","detail":"Authentication is required and has failed or has not yet been provided."}]}""";

    private int _componentReadsToFail;
    private ResponseMessage? _componentReadFailure;

    /// <summary>
    /// The next component reads get this answer instead, then reads are served again. Counted in the stub itself:
    /// a WireMock scenario's state change can lag behind a fast retry on a busy machine.
    /// </summary>
    public CachetStub FailNextComponentReads(int count, int statusCode, string body, params (string Name, string Value)[] headers)
    {
        var message = Message(statusCode, body);
        foreach (var (name, value) in headers)
        {
            message.Headers![name] = new WireMockList<string>(value);
        }

        _componentReadFailure = message;
        Volatile.Write(ref _componentReadsToFail, count);
        return this;
    }

    private ResponseMessage ComponentPage(IRequestMessage request)
    {
        if (_componentReadFailure is { } failure && Interlocked.Decrement(ref _componentReadsToFail) >= 0)
        {
            return failure;
        }

        static int Query(IRequestMessage request, string key, int fallback) =>
            request.Query is { } query && query.TryGetValue(key, out var values) && int.TryParse(values.FirstOrDefault(), out var value) ? value : fallback;

        var perPage = Query(request, "per_page", 20);
        var page = Query(request, "page", 1);
        var all = _components.OrderBy(pair => pair.Key).Select(pair => pair.Value).ToList();
        var totalPages = Math.Max(1, (int)Math.Ceiling(all.Count / (double)perPage));
        var data = all.Skip((page - 1) * perPage).Take(perPage).ToList();
        var link = (int target) => (JsonNode?)$"{BaseUrl}/api/v1/components?per_page={perPage}&page={target}";
        var body = new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["pagination"] = new JsonObject
                {
                    ["total"] = all.Count, ["count"] = data.Count, ["per_page"] = perPage, ["current_page"] = page,
                    ["total_pages"] = totalPages,
                    ["links"] = new JsonObject
                    {
                        ["next_page"] = page < totalPages ? link(page + 1) : null,
                        ["previous_page"] = page > 1 ? link(page - 1) : null,
                    },
                },
            },
            ["data"] = new JsonArray(data.Select(component => (JsonNode)Served(component)).ToArray()),
        };
        return Message(200, body.ToJsonString());
    }

    private ResponseMessage Echo(IRequestMessage request)
    {
        if (!request.Headers!.TryGetValue("X-Cachet-Token", out var token) || token.FirstOrDefault() != _token)
        {
            return Message(401, Unauthorized);
        }

        var id = int.Parse(request.Path.Split('/')[^1]);
        if (!_components.TryGetValue(id, out var component))
        {
            return Message(404, NotFound);
        }

        // Like Cachet, a body that is not JSON is ignored: 200 and nothing changes.
        try
        {
            if (JsonNode.Parse(request.Body ?? "")?["status"] is { } status)
            {
                // Without keeping, the answer is a changed copy: the stored component stays as it was.
                component = _keepsWrites ? component : (JsonObject)component.DeepClone();
                Change(component, status.GetValue<int>());
            }
        }
        catch (JsonException)
        {
        }

        return Message(200, new JsonObject { ["data"] = component.DeepClone() }.ToJsonString());
    }

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    private static ResponseMessage Message(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };

    private static string StatusName(int status) => status switch
    {
        1 => "Operational", 2 => "Performance Issues", 3 => "Partial Outage", 4 => "Major Outage", _ => "Unknown",
    };

    public void Dispose() => Server.Dispose();
}
