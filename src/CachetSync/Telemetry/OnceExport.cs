using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CachetSync.Telemetry;

/// <summary>
/// OTLP in a <c>--once</c> run: the host never starts (no hosted services), so the providers are built before the
/// cycle, to see it, and shut down after it, which pushes what they hold — bounded by ShutdownTimeout, so a collector
/// that hangs costs the job that long and no longer.
/// </summary>
public sealed class OnceExport(MeterProvider? meters, TracerProvider? traces, ILogger<OnceExport> logger)
{
    public static OnceExport Start(IServiceProvider services) => new(
        services.GetService<MeterProvider>(), services.GetService<TracerProvider>(), services.GetRequiredService<ILogger<OnceExport>>());

    public async Task FlushAsync(TimeSpan timeout)
    {
        if (meters is null && traces is null)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        // Shutdown blocks until exported or timed out; traces and metrics go out side by side.
        var flushed = await Task.WhenAll(
            Task.Run(() => traces?.Shutdown(milliseconds) ?? true),
            Task.Run(() => meters?.Shutdown(milliseconds) ?? true));
        if (flushed.All(ok => ok))
        {
            logger.LogDebug("OTLP export flushed in {Milliseconds:0} ms", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            logger.LogWarning("OTLP export did not finish within ShutdownTimeout ({Seconds:0.#} s); some telemetry of this run is lost",
                timeout.TotalSeconds);
        }
    }
}
