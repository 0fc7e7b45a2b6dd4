using System.Text.Json.Serialization;
using CachetSync.Thresholds;

namespace CachetSync.State;

/// <summary>The state file's JSON: <c>{"version":1,"components":{"12":{…}}}</c>.</summary>
public sealed record StateDocument(int Version, Dictionary<string, StateEntry> Components, int? GuardHeldCycles = null);

public sealed record StateEntry(
    ComponentStatus? LastWritten, ComponentStatus? Pending, int PendingCycles, DateTimeOffset? HeldUntil, int? OpenIncident,
    string? SeenBeforeWrite = null, int WritesNotKept = 0, DateTimeOffset? WorsenedAt = null);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StateDocument))]
public sealed partial class StateJsonContext : JsonSerializerContext;
