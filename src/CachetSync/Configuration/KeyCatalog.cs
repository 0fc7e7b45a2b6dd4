using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace CachetSync.Configuration;

/// <summary>
/// What a reading of the configuration asked for: each key, at its section's path (list indexes as <c>[]</c>), with
/// the kind of value and the bounds the reader holds it to. The reader is where each key is spelled, typed and bounded;
/// the tests hold <c>appsettings.schema.json</c> and docs/configuration.md to what it records here.
/// </summary>
public sealed partial class KeyCatalog
{
    private readonly ConcurrentDictionary<(string Section, string Key), KeyUse> _uses = new();
    private readonly ConcurrentDictionary<string, string> _shapes = new();

    /// <summary>How the reader reads one key: the kind (<c>int</c>, <c>duration</c>, <c>enum</c>…) and its bounds or values.</summary>
    public sealed record KeyUse(string Kind, string? Min = null, string? Max = null, IReadOnlyList<string>? Values = null);

    public IReadOnlyDictionary<(string Section, string Key), KeyUse> Uses => _uses;

    /// <summary>Sections read as a list (<c>list</c>) or as a map of free keys (<c>map</c>) rather than an object of known keys.</summary>
    public IReadOnlyDictionary<string, string> Shapes => _shapes;

    /// <summary>
    /// A key looked at as a section (a presence check) and then read as a value is recorded as the value, and one read
    /// both as text and as something more (ApiVersion: "auto" or a number) as the more.
    /// </summary>
    internal void Add(string path, string key, KeyUse use) =>
        _uses.AddOrUpdate((SectionOf(path), key), use, (_, known) => Weight(use.Kind) > Weight(known.Kind) ? use : known);

    internal const string Section = "object";

    internal const string Text = "string";

    private static int Weight(string kind) => kind switch
    {
        Section => 0,
        Text => 1,
        _ => 2,
    };

    internal void Shape(string path, string shape) => _shapes.TryAdd(SectionOf(path), shape);

    private static string SectionOf(string path) => ListIndex().Replace(path, "[]");

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ListIndex();
}
