using System.Text.Json.Nodes;

namespace CachetSync.Tests.Telemetry;

/// <summary>
/// The Prometheus .ci/start-prometheus runs: what it scrapes (one file of targets, so the tests that use it run
/// one at a time, in the <see cref="Collection"/>) and its HTTP API.
/// </summary>
public static class RealPrometheus
{
    /// <summary>The xunit collection of every test that writes the targets file.</summary>
    public const string Collection = "real Prometheus";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static string Address { get; } = Environment.GetEnvironmentVariable(PrometheusFactAttribute.AddressVariable) ?? "";

    private static string TargetsFile { get; } = Environment.GetEnvironmentVariable(PrometheusFactAttribute.TargetsVariable) ?? "";

    /// <summary>Has <paramref name="target"/> (host:port) scraped every second, its series labelled run=<paramref name="run"/>.</summary>
    public static Task ScrapeAsync(string target, string run) =>
        File.WriteAllTextAsync(TargetsFile,
            new JsonArray(new JsonObject { ["targets"] = new JsonArray(target), ["labels"] = new JsonObject { ["run"] = run } }).ToJsonString());

    public static Task StopScrapingAsync() => File.WriteAllTextAsync(TargetsFile, "[]");

    /// <summary>Prometheus' answer, an error (a query it refuses: status "error", with why) included.</summary>
    public static async Task<JsonNode> GetJsonAsync(string pathAndQuery)
    {
        using var response = await Http.GetAsync(Address + pathAndQuery);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>The first series' value of an instant query, or null when it has none.</summary>
    public static async Task<string?> ValueAsync(string query)
    {
        var result = (await GetJsonAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}"))["data"]?["result"]?.AsArray();
        return result is [var first, ..] ? (string?)first!["value"]![1] : null;
    }
}
