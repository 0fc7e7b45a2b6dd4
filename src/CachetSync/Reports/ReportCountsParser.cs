using System.Globalization;
using System.Text.Json;

namespace CachetSync.Reports;

/// <summary>Reads a report source's JSON in one of the <see cref="ReportFormat"/> shapes.</summary>
public static class ReportCountsParser
{
    /// <summary>How much of a value it refuses a message quotes.</summary>
    private const int MaxQuoted = 40;

    public static ReportCounts Parse(ReadOnlySpan<byte> json, ReportShape shape, ReportWindow window)
    {
        json = json[ByteOrderMark.LengthAt(json)..];
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
            var root = document.RootElement;
            var expected = shape.Format == ReportFormat.CountMap ? JsonValueKind.Object : JsonValueKind.Array;
            if (root.ValueKind != expected)
            {
                throw new ReportSourceException($"expected {Describe(expected)} ({shape.Format}), got {Describe(root.ValueKind)}");
            }

            var counts = new ReportCountsBuilder();
            switch (shape.Format)
            {
                case ReportFormat.CountMap:
                    // A map gives each server's count once; a key twice (any case) is two claims, not a sum to make. A
                    // rejected key loses the count already added and ignores those after it.
                    var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var property in root.EnumerateObject())
                    {
                        if (!seen.Add(property.Name))
                        {
                            counts.Reject(property.Name, "is a key given more than once in the map: which count is meant?");
                        }
                        else
                        {
                            AddCount(counts, property.Name, property.Value);
                        }
                    }

                    break;
                case ReportFormat.CountList:
                    foreach (var row in Rows(root, shape))
                    {
                        AddCountAndAudience(counts, row.Key, Property(row.Row, shape.CountProperty), Property(row.Row, shape.AudienceProperty));
                    }

                    break;
                case ReportFormat.ReportList:
                    foreach (var row in Rows(root, shape))
                    {
                        AddReport(counts, row.Key, Property(row.Row, shape.TimeProperty), window);
                    }

                    break;
            }

            return counts.Build();
        }
    }

    private static IEnumerable<(string Key, JsonElement Row)> Rows(JsonElement array, ReportShape shape)
    {
        foreach (var row in array.EnumerateArray())
        {
            var key = Property(row, shape.ServerProperty);
            if (key.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(key.GetString()))
            {
                throw new ReportSourceException($"a row has no \"{shape.ServerProperty}\" string: {Clipped.After(row.GetRawText(), MaxQuoted)}");
            }

            yield return (key.GetString()!, row);
        }
    }

    private static JsonElement Property(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var value) ? value : default;

    private static void AddCount(ReportCountsBuilder counts, string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count))
        {
            counts.Add(key, count);
        }
        else
        {
            counts.Reject(key, $"{Clipped.After(value.ValueKind == JsonValueKind.Undefined ? "nothing" : value.GetRawText(), MaxQuoted)} is not a count");
        }
    }

    /// <summary>A row's count with its audience; a row without the audience property leaves the key's audience unknown.</summary>
    private static void AddCountAndAudience(ReportCountsBuilder counts, string key, JsonElement count, JsonElement audience)
    {
        long? viewers = null;
        if (audience.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            if (audience.ValueKind != JsonValueKind.Number || !audience.TryGetInt64(out var value))
            {
                counts.Reject(key, $"audience {Clipped.After(audience.GetRawText(), MaxQuoted)} is not a whole number");
                return;
            }

            viewers = value;
        }

        if (count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out var reports))
        {
            counts.Add(key, reports, viewers);
        }
        else
        {
            AddCount(counts, key, count);
        }
    }

    private static void AddReport(ReportCountsBuilder counts, string key, JsonElement at, ReportWindow window)
    {
        if (at.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            counts.Add(key, window.Contains(moment) ? 1 : 0);
        }
        else
        {
            counts.Reject(key, $"report time {Clipped.After(at.ValueKind == JsonValueKind.Undefined ? "nothing" : at.GetRawText(), MaxQuoted)} is not an ISO-8601 time");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "a JSON object",
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
