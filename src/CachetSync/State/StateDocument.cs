using System.Text.Json.Serialization;

namespace CachetSync.State;

/// <summary>
/// The state file's JSON: <c>{"version":1,"components":{"12":{…}}}</c>, each component's memory as it is; and the
/// servers the last cycles could not judge, by name (<c>"unjudged"</c>, none in a run that judged them all).
/// </summary>
public sealed record StateDocument(
    int Version, Dictionary<string, ComponentMemory> Components, int? GuardHeldCycles = null, Dictionary<string, UnjudgedServer>? Unjudged = null);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StateDocument))]
public sealed partial class StateJsonContext : JsonSerializerContext;
