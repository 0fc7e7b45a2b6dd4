using System.Globalization;
using System.Text.Json;

namespace CachetSync.Probing;

/// <summary>RFC 6901 JSON Pointers ("/status", "/checks/0/state", "~1" for "/", "~0" for "~") over a parsed document.</summary>
public static class JsonPointer
{
    /// <returns>The element the pointer names, or null when the document has none there.</returns>
    public static JsonElement? Find(JsonElement root, string pointer)
    {
        var current = root;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var property))
            {
                current = property;
            }
            else if (current.ValueKind == JsonValueKind.Array
                     && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                     && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }
}
