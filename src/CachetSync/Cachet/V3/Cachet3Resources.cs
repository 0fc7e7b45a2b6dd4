using System.Text.Json;
using System.Text.Json.Serialization;

namespace CachetSync.Cachet.V3;

// Cachet 3 answers JSON:API resources: {"data": {"id": "7", "type": "components", "attributes": {…},
// "relationships": {…}}}; lists add "links" (next is null on the last page) and no total. One wire shape, kept together.

public sealed record Cachet3List<T>(IReadOnlyList<T>? Data, Cachet3Links? Links);

public sealed record Cachet3Links(string? Next);

public sealed record Cachet3Item<T>(T? Data);

public sealed record Cachet3Component(string Id, Cachet3ComponentAttributes? Attributes, Cachet3ComponentRelationships? Relationships);

/// <param name="Status">An integer, or <c>{"human": …, "value": n}</c>: both are read.</param>
/// <param name="LatestStatus">The effective status after incidents and maintenance (cores after 2026-07; 0 when absent).</param>
public sealed record Cachet3ComponentAttributes(
    int Id,
    string? Name,
    [property: JsonConverter(typeof(Cachet3StatusConverter))] int Status,
    bool Enabled = true,
    [property: JsonConverter(typeof(Cachet3StatusConverter))] int LatestStatus = 0,
    JsonElement? Updated = null)
{
    /// <summary>
    /// <c>updated</c> as Cachet 3 sends it (<c>{"human": "6 minutes ago", "string": "2026-11-26 14:52:15"}</c>), or a
    /// plain string; anything else is no stamp rather than an unreadable component list.
    /// </summary>
    public string? UpdatedStamp => Updated switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Object } time when time.TryGetProperty("string", out var stamp) && stamp.ValueKind == JsonValueKind.String => stamp.GetString(),
        _ => null,
    };
}

public sealed record Cachet3ComponentRelationships(Cachet3Relation? Group);

public sealed record Cachet3Relation(Cachet3Reference? Data);

public sealed record Cachet3Reference(string? Id);

public sealed record Cachet3Group(string Id, Cachet3GroupAttributes? Attributes);

/// <summary>A maintenance schedule (cores after 2025-08), read with <c>include=components</c>.</summary>
public sealed record Cachet3Schedule(string Id, Cachet3ScheduleAttributes? Attributes, Cachet3ScheduleRelationships? Relationships);

public sealed record Cachet3ScheduleAttributes(int Id, string? Name, [property: JsonConverter(typeof(Cachet3StatusConverter))] int Status);

public sealed record Cachet3ScheduleRelationships(Cachet3Relations? Components);

public sealed record Cachet3Relations(IReadOnlyList<Cachet3Reference>? Data);

public sealed record Cachet3GroupAttributes(int Id, string? Name);

public sealed record Cachet3Incident(string Id, Cachet3IncidentAttributes? Attributes);

public sealed record Cachet3IncidentAttributes(
    int Id, string? Name, string? Message, [property: JsonConverter(typeof(Cachet3StatusConverter))] int Status, int? ComponentId);

public sealed record Cachet3Metric(string Id, Cachet3MetricAttributes? Attributes);

public sealed record Cachet3MetricAttributes(int Id, string? Name, [property: JsonConverter(typeof(Cachet3StatusConverter))] int CalcType);

/// <summary>POST /incidents on 3.x: <c>notify</c> is <c>notifications</c>, and the component status only links an impact.</summary>
public sealed record NewIncident3(string Name, string Message, int Status, bool Visible, bool Notifications, int ComponentId, int ComponentStatus);

/// <summary>POST /metrics on 3.x.</summary>
public sealed record NewMetric3(string Name, string Suffix, string Description, int CalcType, bool DisplayChart);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Cachet3List<Cachet3Component>))]
[JsonSerializable(typeof(Cachet3List<Cachet3Group>))]
[JsonSerializable(typeof(Cachet3List<Cachet3Schedule>))]
[JsonSerializable(typeof(Cachet3Item<Cachet3Component>))]
[JsonSerializable(typeof(ComponentStatusUpdate))]
[JsonSerializable(typeof(Cachet3List<Cachet3Incident>))]
[JsonSerializable(typeof(Cachet3Item<Cachet3Incident>))]
[JsonSerializable(typeof(Cachet3Item<Cachet3Component>))]
[JsonSerializable(typeof(NewIncident3))]
[JsonSerializable(typeof(NewIncidentUpdate))]
[JsonSerializable(typeof(Cachet3List<Cachet3Metric>))]
[JsonSerializable(typeof(Cachet3Item<Cachet3Metric>))]
[JsonSerializable(typeof(NewMetric3))]
[JsonSerializable(typeof(NewMetricPoint))]
public sealed partial class Cachet3JsonContext : JsonSerializerContext;
