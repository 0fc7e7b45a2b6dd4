using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CachetSync.Bench;

/// <summary>
/// A Cachet 2.x API on 127.0.0.1 with the envelope and pagination of the real one (shared/cachet-api): paged
/// component list honouring per_page, PUT {"status": n} answering the component. Counts requests by method and
/// remembers which components were written.
/// </summary>
public sealed class FakeCachet : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, int> _statuses;
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly ConcurrentDictionary<int, bool> _written = new();

    private FakeCachet(WebApplication app, ConcurrentDictionary<int, int> statuses)
    {
        _app = app;
        _statuses = statuses;
    }

    public string BaseUrl => _app.Urls.First();

    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    public int Requests(string method) => _requests.GetValueOrDefault(method);

    /// <summary>The components a PUT changed or repeated since the last <see cref="ResetCounts"/>.</summary>
    public IReadOnlyCollection<int> Written => [.. _written.Keys];

    public void ResetCounts()
    {
        _requests.Clear();
        _written.Clear();
    }

    public static async Task<FakeCachet> StartAsync(int components)
    {
        var statuses = new ConcurrentDictionary<int, int>(Enumerable.Range(1, components).Select(id => KeyValuePair.Create(id, 1)));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var cachet = new FakeCachet(app, statuses);
        app.Use(async (context, next) =>
        {
            cachet._requests.AddOrUpdate(context.Request.Method, 1, (_, count) => count + 1);
            await next(context);
        });
        app.MapGet("/api/v1/ping", () => Json(new JsonObject { ["data"] = "Pong!" }));
        app.MapGet("/api/v1/components", (int? per_page, int? page) => cachet.Page(per_page ?? 20, page ?? 1));
        // No maintenance in progress: CachetSync reads the schedules once per cycle (Cachet.RespectMaintenance).
        app.MapGet("/api/v1/schedules", () => Json(new JsonObject
        {
            ["meta"] = new JsonObject { ["pagination"] = new JsonObject { ["total"] = 0, ["count"] = 0, ["per_page"] = 1000, ["current_page"] = 1, ["total_pages"] = 1 } },
            ["data"] = new JsonArray(),
        }));
        // Every status write is read back, as on a real Cachet (one GET per write).
        app.MapGet("/api/v1/components/{id:int}", (int id) => statuses.TryGetValue(id, out var status) ? Json(new JsonObject { ["data"] = Component(id, status) }) : Results.NotFound());
        app.MapPut("/api/v1/components/{id:int}", async (int id, HttpRequest request) =>
        {
            if (!statuses.ContainsKey(id))
            {
                return Results.NotFound();
            }

            var body = await JsonNode.ParseAsync(request.Body);
            if (body?["status"]?.GetValue<int>() is { } status)
            {
                statuses[id] = status;
                cachet._written[id] = true;
            }

            return Json(new JsonObject { ["data"] = Component(id, statuses[id]) });
        });
        await app.StartAsync();
        return cachet;
    }

    private IResult Page(int perPage, int page)
    {
        var ids = _statuses.Keys.Order().ToList();
        var totalPages = Math.Max(1, (ids.Count + perPage - 1) / perPage);
        var data = ids.Skip((page - 1) * perPage).Take(perPage).Select(id => (JsonNode)Component(id, _statuses[id])).ToArray();
        return Json(new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["pagination"] = new JsonObject
                {
                    ["total"] = ids.Count, ["count"] = data.Length, ["per_page"] = perPage, ["current_page"] = page, ["total_pages"] = totalPages,
                    ["links"] = new JsonObject { ["next_page"] = null, ["previous_page"] = null },
                },
            },
            ["data"] = new JsonArray(data),
        });
    }

    private static JsonObject Component(int id, int status) => new()
    {
        ["id"] = id, ["name"] = $"stream-{id}", ["description"] = "", ["status"] = status, ["order"] = 0, ["group_id"] = 1,
        ["created_at"] = "2026-11-23 06:37:45", ["updated_at"] = "2026-11-23 06:37:45", ["deleted_at"] = null,
        ["enabled"] = true, ["meta"] = null, ["link"] = "", ["status_name"] = "", ["tags"] = new JsonArray(),
    };

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
