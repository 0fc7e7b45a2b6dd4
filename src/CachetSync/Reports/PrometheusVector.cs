using System.Text.Json;

namespace CachetSync.Reports;

/// <summary>
/// Reads the answer of Prometheus' instant-query API (<c>/api/v1/query</c>): an instant vector whose series each
/// carry the label that names a server. An answer that is no such vector — an error, a matrix or a scalar, a
/// series without the label — is refused as a whole: the query is wrong, no count of it can be trusted.
/// </summary>
public static class PrometheusVector
{
    /// <summary>How much of a query, a label set or Prometheus' reason a message quotes.</summary>
    private const int MaxQuoted = 200;

    /// <summary>
    /// Each series' value of <paramref name="keyLabel"/> and its sample value, as Prometheus wrote it ("12", "NaN"); a
    /// series whose labels name the key twice ({"server": "a", "server": "b"}: no Prometheus writes that, a proxy or a
    /// hand-made answer may) comes once per value it names, with why it cannot be counted for any of them.
    /// </summary>
    /// <exception cref="ReportSourceException">The answer is not a successful instant vector with the label on every series.</exception>
    public static List<(string Key, string Value, string? Refused)> Read(ReadOnlyMemory<byte> json, string keyLabel, string query)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ReportSourceException($"answered no Prometheus JSON for {Quoted(query)} ({ex.Message})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var status = Text(root, "status");
            if (status == "error")
            {
                throw new ReportSourceException($"refused {Quoted(query)}: {Refusal(root)}");
            }

            if (status != "success" || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new ReportSourceException($"answered no Prometheus query result for {Quoted(query)} (no \"status\": \"success\" with \"data\")");
            }

            var resultType = Text(data, "resultType");
            if (resultType != "vector")
            {
                throw new ReportSourceException(
                    $"answered a {Clipped.After(resultType ?? "result without a type", MaxQuoted)} for {Quoted(query)}; an instant vector is needed, one series per server"
                    + (resultType == "matrix" ? " (a range selector [..] needs a function around it, e.g. increase(...))" : ""));
            }

            if (!data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            {
                throw new ReportSourceException($"answered a vector without a \"result\" list for {Quoted(query)}");
            }

            var series = new List<(string Key, string Value, string? Refused)>(result.GetArrayLength());
            foreach (var item in result.EnumerateArray())
            {
                var key = Key(item, keyLabel, query);
                var value = SampleValue(item, query);
                var named = item.GetProperty("metric").EnumerateObject()
                    .Where(label => label.NameEquals(keyLabel) && label.Value.ValueKind == JsonValueKind.String)
                    .Select(label => label.Value.GetString()!)
                    .ToList();
                if (named.Count > 1)
                {
                    // JSON leaves a repeated name to the reader (the last one wins here): no count of it can be trusted.
                    var why = $"a series names {keyLabel} {named.Count} times ({Clipped.After(string.Join(", ", named.Select(name => $"\"{name}\"")), MaxQuoted)}): it is nobody's count";
                    series.AddRange(named.Distinct(StringComparer.OrdinalIgnoreCase).Select(name => (name, value, (string?)why)));
                }
                else
                {
                    series.Add((key, value, null));
                }
            }

            return series;
        }
    }

    /// <summary>Why Prometheus refused a query ("bad_data: parse error …"), from an error answer; null when it is none.</summary>
    public static string? Refusal(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Text(document.RootElement, "status") == "error" ? Refusal(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Refusal(JsonElement root) =>
        $"{Clipped.After(Text(root, "errorType") ?? "error", MaxQuoted)}: {Clipped.After(Text(root, "error") ?? "(no reason given)", MaxQuoted)}";

    private static string Key(JsonElement series, string keyLabel, string query)
    {
        if (series.ValueKind == JsonValueKind.Object
            && series.TryGetProperty("metric", out var metric)
            && metric.ValueKind == JsonValueKind.Object
            && Text(metric, keyLabel) is { Length: > 0 } key)
        {
            return key;
        }

        var labels = series.ValueKind == JsonValueKind.Object && series.TryGetProperty("metric", out var shown) ? shown.GetRawText() : "none";
        throw new ReportSourceException(
            $"answered a series without the label \"{keyLabel}\" (labels {Clipped.After(labels, MaxQuoted)}) for {Quoted(query)}; keep it in the result, e.g. sum by ({keyLabel}) (...)");
    }

    /// <summary>An instant sample is [time, "value"]: the value is a string, so NaN and ±Inf can be said.</summary>
    private static string SampleValue(JsonElement series, string query) =>
        series.TryGetProperty("value", out var sample) && sample.ValueKind == JsonValueKind.Array && sample.GetArrayLength() == 2
            && sample[1].ValueKind == JsonValueKind.String
            ? sample[1].GetString()!
            : throw new ReportSourceException($"answered a series without a [time, \"value\"] sample for {Quoted(query)}");

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The query as configured, short enough for one log line.</summary>
    private static string Quoted(string query) => $"\"{Clipped.After(query, MaxQuoted)}\"";
}
