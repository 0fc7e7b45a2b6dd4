using System.Text.Json.Serialization;

namespace CachetSync.Cachet.V3;

// Cachet 3 answers JSON:API resources: {"data": {"id": "7", "type": "components", "attributes": {…},
// "relationships": {…}}}; lists add "links" (next is null on the last page) and no total. One wire shape, kept together.

public sealed record Cachet3List<T>(IReadOnlyList<T>? Data, Cachet3Links? Links);

public sealed record Cachet3Links(string? Next);

public sealed record Cachet3Item<T>(T? Data);

public sealed record Cachet3Component(string Id, Cachet3ComponentAttributes? Attributes, Cachet3ComponentRelationships? Relationships);

/// <param name="Status">An integer, or <c>{"human": …, "value": n}</c>: both are read.</param>
public sealed record Cachet3ComponentAttributes(
    int Id,
    string? Name,
    [property: JsonConverter(typeof(Cachet3StatusConverter))] int Status,
    bool Enabled = true);

public sealed record Cachet3ComponentRelationships(Cachet3Relation? Group);

public sealed record Cachet3Relation(Cachet3Reference? Data);

public sealed record Cachet3Reference(string? Id);

public sealed record Cachet3Group(string Id, Cachet3GroupAttributes? Attributes);

public sealed record Cachet3GroupAttributes(int Id, string? Name);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Cachet3List<Cachet3Component>))]
[JsonSerializable(typeof(Cachet3List<Cachet3Group>))]
[JsonSerializable(typeof(Cachet3Item<Cachet3Component>))]
[JsonSerializable(typeof(ComponentStatusUpdate))]
public sealed partial class Cachet3JsonContext : JsonSerializerContext;
