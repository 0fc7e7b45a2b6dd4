using System.Text.Json.Serialization;

namespace CachetSync.Witness;

/// <summary>A writer's question: probe these servers of your own configuration, now. Names only, never a URL.</summary>
public sealed record WitnessQuestion(IReadOnlyList<string> Servers);

/// <summary>The witness's answer: each known server as it probed it, and the names it does not know.</summary>
public sealed record WitnessAnswer(string Witness, IReadOnlyList<WitnessProbe> Servers, IReadOnlyList<string> Unknown);

/// <summary>
/// One server as the witness saw it. <see cref="Status"/> is the witness's own judgement (its probe through its own
/// thresholds; members' reports are the writer's to weigh); null when it could not judge (it was too busy, stopped).
/// </summary>
public sealed record WitnessProbe(string Name, string Kind, int? StatusCode, double LatencyMs, string Detail, int? Status);

/// <summary>Unknown properties are refused: a question that brings a URL gets a 400, not a probe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(WitnessQuestion))]
[JsonSerializable(typeof(WitnessAnswer))]
public sealed partial class WitnessJsonContext : JsonSerializerContext;
