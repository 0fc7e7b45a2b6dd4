using CachetSync.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>Registers the configured report source; with Source None there is none, and counts play no part.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services, ReportSettings settings)
    {
        switch (settings.Source)
        {
            case ReportSourceKind.Http or ReportSourceKind.Prometheus:
                services.AddHttpClient(HttpReportSource.ClientName, client =>
                    {
                        client.Timeout = Timeout.InfiniteTimeSpan;
                        client.MaxResponseContentBufferSize = HttpReportSource.MaxBodyBytes;
                    })
                    // The source's credentials (bearer token, Headers) must never be sent to wherever a redirect points.
                    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
                    // The source's own credentials must not reach a log line, whatever the log level.
                    .RedactLoggedHeaders(["Authorization", .. settings.Headers.Keys]);
                services.AddSingleton<IReportSource>(provider => settings.Source == ReportSourceKind.Prometheus
                    ? new PrometheusReportSource(provider.GetRequiredService<IHttpClientFactory>(), settings)
                    : new HttpReportSource(provider.GetRequiredService<IHttpClientFactory>(), settings));
                break;
            case ReportSourceKind.File:
                services.AddSingleton<IReportSource>(new FileReportSource(settings));
                break;
            case ReportSourceKind.Sql:
                services.AddSingleton<IReportSource>(new SqlReportSource(settings.Sql!, settings.Timeout));
                break;
        }

        return services;
    }
}
