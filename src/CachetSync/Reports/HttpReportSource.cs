using CachetSync.Configuration;

namespace CachetSync.Reports;

/// <summary>GETs the configured URL (with <c>{since}</c> and <c>{until}</c> filled in) and reads its JSON.</summary>
public sealed class HttpReportSource(IHttpClientFactory clients, ReportSettings settings) : IReportSource
{
    public const string ClientName = "reports";

    /// <summary>A bigger answer is refused (the client's buffer limit): megabytes of counts mean a broken source.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public string Description => $"HTTP {UrlText.Masked(settings.Url!)}";

    public Task<ReportCounts> ReadAsync(ReportWindow window, CancellationToken cancellationToken) =>
        ReportHttp.WithinTimeoutAsync(settings, async timeout =>
        {
            var url = Placeholders.Fill(
                settings.Url!, ("since", Uri.EscapeDataString(ReportWindow.Format(window.Since))), ("until", Uri.EscapeDataString(ReportWindow.Format(window.Until))));
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await ReportHttp.SendAsync(clients, request, settings, timeout);
            if (!response.IsSuccessStatusCode)
            {
                throw new ReportSourceException($"answered HTTP {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout);
            return ReportCountsParser.Parse(body, settings.Shape, window);
        }, cancellationToken);
}
