using System.Globalization;
using CachetSync.Thresholds;
namespace CachetSync.Configuration;

/// <summary>
/// A configuration section read with typed accessors that never throw: every bad value becomes a
/// <see cref="ConfigProblem"/> with its JSON path, so one run lists every mistake at once.
/// Accessors return null when the key is absent or invalid; callers apply defaults with <c>??</c>.
/// </summary>
/// <param name="catalog">Told each key read, its kind and bounds (tests hold the schema and docs to it); null: nobody asks.</param>
public sealed class ConfigNode(ConfigTree? tree, string path, List<ConfigProblem> problems, KeyCatalog? catalog = null)
{
    /// <summary>The keys this section declared (<see cref="RejectUnknownKeys"/>): the reader may ask for no other.</summary>
    private string[]? _declared;

    public string Path => path;

    public bool Exists => tree?.Exists ?? false;

    /// <summary>A section or value below this one (an object, a list or a map: see <see cref="Items"/> and <see cref="Entries"/>).</summary>
    public ConfigNode Child(string key)
    {
        Noted(key, KeyCatalog.Section);
        return new(tree?.Child(key), PathOf(key), problems, catalog);
    }

    /// <summary>Array elements in index order (configuration stores them as keys "0", "1", …).</summary>
    public IReadOnlyList<ConfigNode> Items()
    {
        catalog?.Shape(path, "list");
        return (tree?.Children ?? new Dictionary<string, ConfigTree>())
            .Select(child => (Index: int.TryParse(child.Key, out var i) ? i : -1, child.Key, Tree: child.Value))
            .OrderBy(item => item.Index)
            .Select(item => item.Index < 0
                ? new ConfigNode(item.Tree, $"{path}.{item.Key}", problems, catalog)
                : new ConfigNode(item.Tree, $"{path}[{item.Index}]", problems, catalog))
            .ToList();
    }

    /// <summary>Child keys with their raw values, for map-shaped sections such as status codes.</summary>
    public IReadOnlyList<(string Key, string? Value)> Entries()
    {
        catalog?.Shape(path, "map");
        return (tree?.Children ?? new Dictionary<string, ConfigTree>()).Select(child => (child.Key, child.Value.Value)).ToList();
    }

    public void Problem(string message) => problems.Add(new ConfigProblem(path, message));

    /// <summary>A problem with the key's value — or with the key itself, one its section does not know (<see cref="RejectUnknownKeys"/>).</summary>
    public void Problem(string key, string message) => problems.Add(new ConfigProblem(PathOf(key), message));

    private string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Names the key as missing when it is absent (or blank): "is required", or what <paramref name="message"/> says.</summary>
    public void Require(string key, string message = "is required")
    {
        Declared(key);
        if (Text(key) is null)
        {
            Problem(key, message);
        }
    }

    public string? String(string key) => Noted(key, KeyCatalog.Text).Text(key);

    /// <summary>The key's trimmed value; every caller has checked the key is declared (<see cref="Noted(string, string, IReadOnlyList{string}?)"/>, <see cref="Require"/>).</summary>
    private string? Text(string key)
    {
        var value = tree?.Child(key)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>A key asked for that its section never declared is this program's mistake, never the user's: it would be rejected as unknown.</summary>
    private void Declared(string key)
    {
        if (_declared is not null && !_declared.Contains(key, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The reader of \"{path}\" asks for \"{key}\", which the section does not declare (its keys, the schema and docs/configuration.md)");
        }
    }

    private static string? Bound(object? value) => value switch
    {
        null => null,
        TimeSpan duration => DurationText.Format(duration),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A secret value (token, header value): refused with a control character, which would split a header.</summary>
    /// <param name="mask">Whether the value is masked in printed text (see <see cref="Configuration.Secret(string, bool)"/>).</param>
    public Secret? Secret(string key, bool mask = true) => Noted(key, "secret").Read<Secret>(key, text =>
    {
        // Made (and so registered for masking) even when refused; the value itself is not quoted: it is a secret.
        var secret = new Secret(text, mask);
        return text.Any(char.IsControl) ? (null, "contains a control character (a line break?); a header value cannot carry one") : (secret, null);
    });

    // Read without a parse closure or boxed bounds: every server has ids, and 10 000 servers are read at each start.
    public int? Int(string key, int min, int max) => Noted<int>(key, "int", min, max).Text(key) is { } text ? Recorded(key,
        !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? (null, $"\"{text}\" is not a whole number")
        : value < min || value > max ? (null, $"{value} is out of range ({min} to {max})")
        : ((int?)value, (string?)null)) : null;

    public bool? Bool(string key) => Noted(key, "bool").Parsed<bool>(key, text =>
        bool.TryParse(text, out var value) ? (value, null) : (null, $"\"{text}\" is not true or false"));

    /// <summary>
    /// The longest duration any key takes unless it says otherwise. Timers throw beyond ~49 days and Polly refuses
    /// more than a day, so a value that passed here must never crash whatever consumes it later.
    /// </summary>
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromDays(1);

    /// <summary>A positive duration up to <paramref name="max"/> (default one day): "00:00:05", "5s", "1500ms", "2m" or "1h".</summary>
    public TimeSpan? Duration(string key, TimeSpan? min = null, TimeSpan? max = null)
    {
        var (lowest, highest) = (min ?? TimeSpan.Zero, max ?? DefaultMaxDuration);
        return Noted<TimeSpan>(key, "duration", lowest, highest).Parsed<TimeSpan>(key, text =>
            !DurationText.TryParse(text, out var value) ? (null, $"\"{text}\" is not a duration (use \"00:00:05\", \"5s\" or \"1500ms\")")
            : value <= TimeSpan.Zero ? (null, $"must be positive, got \"{text}\"")
            : value < lowest || value > highest ? (null, $"\"{text}\" is out of range ({DurationText.Format(lowest)} to {DurationText.Format(highest)})")
            : (value, null));
    }

    /// <summary>A duration, or "off" for none: <paramref name="inherited"/> when the key is absent.</summary>
    public TimeSpan? DurationOrOff(string key, TimeSpan? inherited, TimeSpan? max = null) => Noted<TimeSpan>(key, "durationOrOff", TimeSpan.Zero, max ?? DefaultMaxDuration).Text(key) switch
    {
        null => inherited,
        var text when string.Equals(text, "off", StringComparison.OrdinalIgnoreCase) => null,
        _ => Duration(key, max: max),
    };

    /// <summary>A size in bytes within bounds: "1MiB", "256KiB", "1048576".</summary>
    public long? ByteSize(string key, long min, long max) => Noted<long>(key, "size", min, max).Parsed<long>(key, text =>
        !ByteSizeText.TryParse(text, out var bytes) ? (null, $"\"{text}\" is not a size (use \"1MiB\", \"256KiB\" or a number of bytes)")
        : bytes < min || bytes > max ? (null, $"\"{text}\" is out of range ({ByteSizeText.Format(min)} to {ByteSizeText.Format(max)})")
        : ((long)bytes, null));

    /// <summary>A positive rate: "20MiB/s", "100Mbit/s".</summary>
    public double? Rate(string key) => Noted(key, "rate").Parsed<double>(key, text =>
        ByteSizeText.TryParseRate(text, out var bytesPerSecond) && bytesPerSecond > 0
            ? (bytesPerSecond, null)
            : (null, $"\"{text}\" is not a positive rate (use \"20MiB/s\" or \"100Mbit/s\")"));

    public ComponentStatus? Status(string key) => Noted(key, "status").Parsed<ComponentStatus>(key, text =>
        ComponentStatusNames.TryParse(text, out var status) ? (status, null) : (null, $"\"{text}\" is not a status ({ComponentStatusNames.Expected})"));

    public TEnum? Enum<TEnum>(string key)
        where TEnum : struct, Enum => Noted(key, "enum", values: System.Enum.GetNames<TEnum>()).Parsed<TEnum>(key, text =>
        EnumNames.TryParse<TEnum>(text, out var value)
            ? (value, null)
            : (null, $"\"{text}\" is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}"));

    /// <summary>The key's value as <paramref name="parse"/> reads it; null when absent, or refused (the problem recorded).</summary>
    public T? Read<T>(string key, Func<string, (T? Value, string? Problem)> parse)
        where T : class =>
        Noted(key, KeyCatalog.Text).Text(key) is { } text ? Recorded(key, parse(text)) : null;

    /// <inheritdoc cref="Read{T}"/>
    private T? Parsed<T>(string key, Func<string, (T? Value, string? Problem)> parse)
        where T : struct =>
        Text(key) is { } text ? Recorded(key, parse(text)) : null;

    /// <summary>This node, once <paramref name="key"/> is known declared and told to the catalog as read as <paramref name="kind"/>.</summary>
    private ConfigNode Noted(string key, string kind, IReadOnlyList<string>? values = null) => Noted<int>(key, kind, null, null, values);

    /// <inheritdoc cref="Noted(string, string, IReadOnlyList{string}?)"/>
    /// <remarks>Generic so the bounds are boxed only for a catalog: without one (every run but the schema tests) nothing is.</remarks>
    private ConfigNode Noted<TBound>(string key, string kind, TBound? min, TBound? max, IReadOnlyList<string>? values = null)
        where TBound : struct
    {
        Declared(key);
        catalog?.Add(path, key, new KeyCatalog.KeyUse(kind, Bound(min), Bound(max), values));
        return this;
    }

    /// <summary>This node's own value (an element of a list of strings) as <paramref name="parse"/> reads it.</summary>
    public T? ReadValue<T>(Func<string, (T? Value, string? Problem)> parse)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(tree?.Value))
        {
            Problem(tree is { Children.Count: > 0 } ? "must be a string, not an object or a list" : "is empty");
            return null;
        }

        var (value, problem) = parse(tree.Value.Trim());
        if (problem is not null)
        {
            Problem(problem);
        }

        return value;
    }

    /// <summary>Reports per 1 000 of audience: more than 0, at most 1 000 000 (a viewer may report many times).</summary>
    public decimal? PerThousand(string key) => Noted<int>(key, "perThousand", 0, 1_000_000).Parsed<decimal>(key, text =>
        !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (null, $"\"{text}\" is not a number (reports per 1 000, such as 5 or 0.5)")
        : value is <= 0 or > 1_000_000 ? (null, $"{text} is out of range (more than 0, at most 1000000)")
        : (value, null));

    /// <summary>A share from 0 (exclusive) to 1: 0.5 is half.</summary>
    public double? Share(string key) => Noted<int>(key, "share", 0, 1).Parsed<double>(key, text =>
        !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (null, $"\"{text}\" is not a number (a share such as 0.5)")
        : value is <= 0 or > 1 || double.IsNaN(value) ? (null, $"{text} is out of range (more than 0, at most 1)")
        : (value, null));

    private TValue Recorded<TValue>(string key, (TValue Value, string? Problem) parsed)
    {
        if (parsed.Problem is { } problem)
        {
            Problem(key, problem);
        }

        return parsed.Value;
    }

    /// <summary>Flags keys this section does not know: a typo would otherwise be silently ignored.</summary>
    public void RejectUnknownKeys(params string[] known)
    {
        _declared = known;
        foreach (var child in tree?.Children ?? new Dictionary<string, ConfigTree>())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                Problem(child.Key, $"unknown key (known keys: {string.Join(", ", known)})");
            }
        }
    }
}
