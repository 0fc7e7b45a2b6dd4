using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace CachetSync.Configuration;

/// <summary>
/// The configuration as a tree, read once from the JSON file and the environment. Keys are case-insensitive,
/// array elements are children "0", "1", … — the same model as Microsoft.Extensions.Configuration, whose own
/// GetChildren scans every key on each call and made reading 10 000 servers cost seconds.
/// </summary>
public sealed class ConfigTree
{
    private static readonly Dictionary<string, ConfigTree> NoChildren = [];

    /// <summary>Made with the first child: most nodes are values, and 10 000 servers make a hundred thousand of them.</summary>
    private Dictionary<string, ConfigTree>? _children;

    public string? Value { get; private set; }

    public IReadOnlyDictionary<string, ConfigTree> Children => _children ?? NoChildren;

    public bool Exists => Value is not null || _children is { Count: > 0 };

    public ConfigTree? Child(string key) => _children?.GetValueOrDefault(key);

    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static ConfigTree Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <exception cref="JsonException">The UTF-8 bytes are not JSON.</exception>
    /// <exception cref="FormatException">JSON, but not a configuration: not an object, or a key twice in one object.</exception>
    public static ConfigTree Parse(ReadOnlyMemory<byte> json)
    {
        json = json[ByteOrderMark.LengthAt(json.Span)..];
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var document = JsonDocument.Parse(json, options);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the configuration must be a JSON object ({{ \"Cachet\": …, \"Servers\": … }}), not {Kind(document.RootElement)}");
        }

        var tree = new ConfigTree();
        var repeated = new List<string>();
        tree.Merge(document.RootElement, [], repeated);
        return repeated.Count == 0
            ? tree
            : throw new FormatException(
                $"a key appears twice in one object (keys are case-insensitive; the second would silently replace the first): {string.Join(", ", repeated)}");
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Overlays variables named <c>PREFIX_Section__Key</c> (or <c>PREFIX_TopLevelKey</c>): they win over the file.
    /// Variables with the prefix that are not shaped like a configuration path are not configuration: Kubernetes
    /// injects <c>CACHETSYNC_DB_PORT_5432_TCP_ADDR</c> for a Service named cachetsync-db. Those are skipped.
    /// </summary>
    /// <returns>The names of the variables skipped.</returns>
    public IReadOnlyList<string> OverlayEnvironment(string prefix, IDictionary variables, IReadOnlyCollection<string> topLevelKeys)
    {
        var skipped = new List<string>();
        foreach (DictionaryEntry variable in variables)
        {
            if (variable.Key is not string name || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var path = name[prefix.Length..].Split("__");
            if (IsConfigurationPath(path, topLevelKeys))
            {
                Set(path, variable.Value as string);
            }
            else
            {
                skipped.Add(name);
            }
        }

        return skipped;
    }

    /// <summary>
    /// Section__Key__0__Key (no empty segment), or a top-level key alone. Whatever has that shape is configuration, so a
    /// typo in it (CACHETSYNC_Probe__Time-out) is still named as an unknown key.
    /// </summary>
    private static bool IsConfigurationPath(string[] path, IReadOnlyCollection<string> topLevelKeys) =>
        path.All(segment => segment.Length > 0)
        && (path.Length > 1 || topLevelKeys.Contains(path[0], StringComparer.OrdinalIgnoreCase));

    /// <summary>The entries below this node as flat "a:b:c" keys (for libraries that read IConfiguration).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Flatten(string path)
    {
        if (Value is not null)
        {
            yield return KeyValuePair.Create(path, (string?)Value);
        }

        foreach (var (key, child) in Children)
        {
            foreach (var entry in child.Flatten($"{path}:{key}"))
            {
                yield return entry;
            }
        }
    }

    private void Set(IReadOnlyList<string> path, string? value)
    {
        var node = this;
        foreach (var segment in path)
        {
            node = node.GetOrAdd(segment);
        }

        node.Value = value;
    }

    private ConfigTree GetOrAdd(string key)
    {
        _children ??= new Dictionary<string, ConfigTree>(StringComparer.OrdinalIgnoreCase);
        if (!_children.TryGetValue(key, out var child))
        {
            child = new ConfigTree();
            _children[key] = child;
        }

        return child;
    }

    /// <summary>Fills this new node from <paramref name="element"/>.</summary>
    /// <param name="path">The keys down to this node, written out only for a key given twice.</param>
    /// <param name="repeated">Collects the paths of keys given twice in one object.</param>
    private void Merge(JsonElement element, List<(string Key, bool Index)> path, List<string> repeated)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = property.Name;
                    path.Add((name, false));
                    // The node is new, so a child it already has came from this same object: the key is repeated.
                    if (_children is not null && _children.ContainsKey(name) && repeated.Count < 20)
                    {
                        repeated.Add(Clipped.After(Written(path), 200));
                    }

                    GetOrAdd(name).Merge(property.Value, path, repeated);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var key = index.ToString(CultureInfo.InvariantCulture);
                    path.Add((key, true));
                    GetOrAdd(key).Merge(item, path, repeated);
                    path.RemoveAt(path.Count - 1);
                    index++;
                }

                break;
            case JsonValueKind.String:
                Value = element.GetString();
                break;
            case JsonValueKind.Null:
                break;
            default:
                Value = element.GetRawText();
                break;
        }
    }

    /// <summary>A path as the error names it: <c>Servers[3].Name</c>.</summary>
    private static string Written(List<(string Key, bool Index)> path) =>
        string.Concat(path.Select((part, at) => part.Index ? $"[{part.Key}]" : at == 0 ? part.Key : $".{part.Key}"));
}
