using System.Text.Json.Serialization;

namespace CachetSync.Cachet;

/// <summary>
/// Source-generated JSON for the Cachet wire shapes: no reflection at start-up. Numbers may arrive as
/// strings (older Cachet versions send "status": "1").
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(CachetPage<CachetComponent>))]
[JsonSerializable(typeof(CachetItem<CachetComponent>))]
[JsonSerializable(typeof(CachetPage<CachetGroup>))]
[JsonSerializable(typeof(CachetPage<CachetIncident>))]
[JsonSerializable(typeof(CachetItem<CachetIncident>))]
[JsonSerializable(typeof(NewIncident))]
[JsonSerializable(typeof(NewIncidentUpdate))]
[JsonSerializable(typeof(CachetPage<CachetMetric>))]
[JsonSerializable(typeof(CachetPage<CachetSchedule>))]
[JsonSerializable(typeof(CachetItem<CachetMetric>))]
[JsonSerializable(typeof(NewMetric))]
[JsonSerializable(typeof(NewMetricPoint))]
[JsonSerializable(typeof(ComponentStatusUpdate))]
[JsonSerializable(typeof(CachetItem<string>))]
public sealed partial class CachetJsonContext : JsonSerializerContext;
