using System.Globalization;
using CachetSync.Configuration;
using CachetSync.Output;
using CachetSync.Sync;
using Microsoft.Extensions.Logging;

namespace CachetSync.Guard;

/// <summary>
/// The dead-man's switch (<c>Heartbeat.Url</c>): told when a cycle starts and how it ended, so the service behind
/// the URL raises the alarm when the pings stop — the one failure CachetSync cannot put on the page itself. A ping
/// is bounded by <c>Heartbeat.Timeout</c>, never throws, never follows a redirect (the URL is the check's key), and
/// is sent after the cycle's writes: it can cost a run its timeout, never a status.
/// </summary>
public sealed class Heartbeat(HeartbeatSettings settings, IHttpClientFactory clients, Telemetry.CycleTelemetry telemetry, ILogger<Heartbeat> logger)
{
    public const string ClientName = "cachetsync-heartbeat";

    /// <summary>healthchecks.io measures the run from this ping; the others need none.</summary>
    public Task StartAsync(CancellationToken stopping) =>
        settings.Style == HeartbeatStyle.Healthchecks ? PingAsync(HttpMethod.Get, WithPath("/start"), null, stopping) : Task.CompletedTask;

    public Task FinishAsync(CycleSummary summary, CancellationToken stopping)
    {
        var succeeded = summary.ExitCode == CycleSummary.ExitApplied;
        var totals = SummaryTable.Totals(summary);
        return settings.Style switch
        {
            // The body shows in the check's log: what the cycle did, which never holds a secret.
            HeartbeatStyle.Healthchecks => PingAsync(HttpMethod.Post, succeeded ? settings.Address! : WithPath("/fail"), totals, stopping),
            HeartbeatStyle.UptimeKumaPush => PingAsync(HttpMethod.Get, KumaPush(succeeded, totals, summary.Duration), null, stopping),
            _ => succeeded ? PingAsync(HttpMethod.Get, settings.Address!, null, stopping) : Task.CompletedTask,
        };
    }

    private Uri WithPath(string suffix)
    {
        var builder = new UriBuilder(settings.Address!);
        builder.Path = builder.Path.TrimEnd('/') + suffix;
        return builder.Uri;
    }

    /// <summary>Uptime Kuma shows its push URL with a sample query (<c>?status=up&amp;msg=OK&amp;ping=</c>): that query is replaced.</summary>
    private Uri KumaPush(bool up, string message, TimeSpan duration)
    {
        var ping = Math.Round(duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var text = message.Length > 200 ? message[..200] : message;
        return new UriBuilder(settings.Address!) { Query = $"status={(up ? "up" : "down")}&msg={Uri.EscapeDataString(text)}&ping={ping}" }.Uri;
    }

    private async Task PingAsync(HttpMethod method, Uri url, string? body, CancellationToken stopping)
    {
        var host = url.Host;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new StringContent(body);
            }

            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
            if (!response.IsSuccessStatusCode)
            {
                var redirect = (int)response.StatusCode is >= 300 and < 400 ? " (redirects are not followed: the URL is the check's key)" : "";
                Failed(host, $"it answered HTTP {(int)response.StatusCode}{redirect}");
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Failed(host, $"no answer within {DurationText.Format(settings.Timeout)}");
        }
        catch (HttpRequestException ex)
        {
            Failed(host, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the next run pings again.
        }
    }

    private void Failed(string host, string why)
    {
        telemetry.RecordHeartbeatFailure();
        logger.LogWarning("Heartbeat to {Host} failed: {Reason}. The service behind Heartbeat.Url may report this job as down", host, why);
    }
}
