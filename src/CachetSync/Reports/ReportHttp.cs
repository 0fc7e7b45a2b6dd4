using System.Net.Http.Headers;
using CachetSync.Configuration;

namespace CachetSync.Reports;

/// <summary>
/// The one way a report source asks over HTTP (<see cref="HttpReportSource"/>, <see cref="PrometheusReportSource"/>):
/// its credentials on the request, within <c>Reports.Timeout</c>, no redirect followed, failures said alike.
/// </summary>
public static class ReportHttp
{
    /// <summary>Runs <paramref name="read"/> within <c>Reports.Timeout</c>: running out of time or a failed request is one clear error.</summary>
    /// <exception cref="ReportSourceException">No answer in time, the request failed, or <paramref name="read"/> refused the answer.</exception>
    public static async Task<T> WithinTimeoutAsync<T>(ReportSettings settings, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            return await read(timeout.Token);
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

    /// <summary>Sends <paramref name="request"/> asking for JSON, with the source's bearer token and headers.</summary>
    /// <exception cref="ReportSourceException">The answer is a redirect: not followed, the credentials would go with it.</exception>
    public static async Task<HttpResponseMessage> SendAsync(
        IHttpClientFactory clients, HttpRequestMessage request, ReportSettings settings, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (settings.BearerToken is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Reveal());
        }

        foreach (var (name, value) in settings.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value.Reveal());
        }

        var response = await clients.CreateClient(HttpReportSource.ClientName).SendAsync(request, cancellationToken);
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            var target = response.Headers.Location is { } location ? UrlText.Masked(location.ToString()) : "(no Location header)";
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new ReportSourceException(
                $"answered HTTP {status}, a redirect to {target}: not followed, its credentials would go with it. Set Reports.Url to the final address");
        }

        return response;
    }
}
