using System.Text.Json;

namespace CachetSync.Reports;

/// <summary>Reads a JSON object <c>{ "&lt;report key&gt;": count, … }</c>.</summary>
public static class ReportCountsParser
{
    public static ReportCounts Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new ReportSourceException($"not JSON ({ex.Message})", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ReportSourceException($"expected a JSON object of counts, got {Describe(document.RootElement.ValueKind)}");
            }

            var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var rejected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var count) && count >= 0)
                {
                    counts[property.Name] = count;
                }
                else
                {
                    rejected[property.Name] = $"{Truncate(property.Value.GetRawText())} is not a count";
                }
            }

            return new ReportCounts(counts, rejected);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
