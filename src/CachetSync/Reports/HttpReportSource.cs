using System.Net.Http.Headers;
using CachetSync.Configuration;

namespace CachetSync.Reports;

/// <summary>GETs the configured URL (with <c>{since}</c> and <c>{until}</c> filled in) and reads its JSON.</summary>
public sealed class HttpReportSource(IHttpClientFactory clients, ReportSettings settings) : IReportSource
{
    public const string ClientName = "reports";

    /// <summary>A bigger answer is refused (the client's buffer limit): megabytes of counts mean a broken source.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public string Description => $"HTTP {UrlText.Masked(settings.Url!)}";

    public async Task<ReportCounts> ReadAsync(ReportWindow window, CancellationToken cancellationToken)
    {
        var url = Placeholders.Fill(
            settings.Url!, ("since", Uri.EscapeDataString(ReportWindow.Format(window.Since))), ("until", Uri.EscapeDataString(ReportWindow.Format(window.Until))));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (settings.BearerToken is { } bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Reveal());
            }

            foreach (var (name, value) in settings.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value.Reveal());
            }

            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                var target = response.Headers.Location is { } location ? UrlText.Masked(location.ToString()) : "(no Location header)";
                throw new ReportSourceException(
                    $"answered HTTP {(int)response.StatusCode}, a redirect to {target}: not followed, its credentials would go with it. Set Reports.Url to the final address");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ReportSourceException($"answered HTTP {(int)response.StatusCode}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return ReportCountsParser.Parse(body, settings.Shape, window);
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
}
