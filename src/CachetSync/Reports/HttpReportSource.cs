using System.Globalization;
using CachetSync.Configuration;

namespace CachetSync.Reports;

/// <summary>GETs the configured URL (with <c>{since}</c> filled in) and reads a JSON count map.</summary>
public sealed class HttpReportSource(IHttpClientFactory clients, ReportSettings settings) : IReportSource
{
    public const string ClientName = "reports";

    /// <summary>A bigger answer is refused (the client's buffer limit): a count map of megabytes is a broken source.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public string Description => $"HTTP {Redacted(settings.Url!)}";

    public async Task<ReportCounts> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var url = settings.Url!.Replace(
            "{since}",
            Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            StringComparison.OrdinalIgnoreCase);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .GetAsync(url, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new ReportSourceException($"answered HTTP {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return ReportCountsParser.Parse(body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReportSourceException($"no answer within {settings.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            throw new ReportSourceException($"request failed ({ex.Message})", ex);
        }
    }

    /// <summary>The URL without query or user info: either may carry a key.</summary>
    private static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "(url)";
}
