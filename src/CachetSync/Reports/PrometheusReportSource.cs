using System.Globalization;
using CachetSync.Configuration;

namespace CachetSync.Reports;

/// <summary>
/// Asks Prometheus (<c>{Url}/api/v1/query</c>, a POSTed form) for each server's report count, and its audience
/// when an <c>AudienceQuery</c> is configured, at the window's end. Both queries share <c>Reports.Timeout</c>; a
/// failure of either makes the source unavailable this cycle (a rate without its audience would judge wrongly).
/// </summary>
/// <remarks>
/// A value is a float: <c>increase()</c> extrapolates, so 19.6 reports are likely. Its whole part is taken (19.6 → 19,
/// 0.5 → 0): <c>increase()</c> only ever extrapolates up from the whole reports its samples saw, so the whole part
/// keeps every one of them, and rounding up would invent a report nobody sent — at an audience of 100, one invented
/// report was 10 ‰, a Partial Outage. NaN, ±Inf and negative values are refused for their server.
/// </remarks>
public sealed class PrometheusReportSource(IHttpClientFactory clients, ReportSettings settings) : IReportSource
{
    private readonly PrometheusQueries _queries = settings.Prometheus!;

    public string Description => $"Prometheus {UrlText.Masked(settings.Url!)}";

    public Task<ReportCounts> ReadAsync(ReportWindow window, CancellationToken cancellationToken) =>
        ReportHttp.WithinTimeoutAsync(settings, async timeout =>
        {
            var counts = QueryAsync(_queries.Query, window, timeout);
            var audiences = _queries.AudienceQuery is { } audienceQuery ? QueryAsync(audienceQuery, window, timeout) : null;
            var builder = new ReportCountsBuilder();
            ForEachKeyOnce(await counts, "count", builder, builder.Add);
            if (audiences is not null)
            {
                ForEachKeyOnce(await audiences, "audience", builder, builder.AddAudience);
            }

            return builder.Build();
        }, cancellationToken);

    /// <summary>The window as a PromQL duration, for <c>{window}</c>: 2h, 90m, 1d.</summary>
    public static string Duration(TimeSpan window) =>
        DurationText.Format(TimeSpan.FromMilliseconds(Math.Max(1, Math.Round(window.TotalMilliseconds))));

    private async Task<List<(string Key, string Value, string? Refused)>> QueryAsync(string query, ReportWindow window, CancellationToken cancellationToken)
    {
        var filled = Placeholders.Fill(query, ("window", Duration(window.Until - window.Since)));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Url!.TrimEnd('/') + "/api/v1/query"))
        {
            Content = new FormUrlEncodedContent(
            [
                new("query", filled),
                new("time", (window.Until.ToUnixTimeMilliseconds() / 1000m).ToString(CultureInfo.InvariantCulture)),
                // Prometheus gives up on its side too, instead of computing an answer nobody waits for.
                new("timeout", Duration(settings.Timeout)),
            ]),
        };
        using var response = await ReportHttp.SendAsync(clients, request, settings, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Prometheus says why it refused a query (400 bad_data, 422 execution, 503 timeout) in its JSON.
            var refusal = PrometheusVector.Refusal(body);
            throw new ReportSourceException(
                $"answered HTTP {(int)response.StatusCode}" + (refusal is null ? "" : $" and refused \"{Clipped.After(filled, 200)}\": {refusal}"));
        }

        return PrometheusVector.Read(body, _queries.KeyLabel, filled);
    }

    /// <summary>
    /// Hands each key's value on once, as a whole number; a key in two series (the query did not sum over the other
    /// labels) or with a value that is no count is refused for that server alone.
    /// </summary>
    private void ForEachKeyOnce(List<(string Key, string Value, string? Refused)> series, string what, ReportCountsBuilder builder, Action<string, long> add)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value, refused) in series)
        {
            if (refused is not null)
            {
                seen.Add(key);
                builder.Reject(key, $"{refused} in the {what} query");
            }
            else if (!seen.Add(key))
            {
                builder.Reject(key, $"two series carry {_queries.KeyLabel}=\"{key}\" in the {what} query: sum them in it, e.g. sum by ({_queries.KeyLabel}) (...)");
            }
            else if (Whole(value) is { } whole)
            {
                add(key, whole);
            }
            else
            {
                builder.Reject(key, $"{what} {Clipped.After(value, 40)} is not a number of {(what == "count" ? "reports" : "viewers")}");
            }
        }
    }

    /// <summary>A finite, non-negative value's whole part; null for NaN, ±Inf, a negative or no number.</summary>
    private static long? Whole(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && number >= 0
            ? (long)Math.Min(Math.Floor(number), long.MaxValue)
            : null;
}
