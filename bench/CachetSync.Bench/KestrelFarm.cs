using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CachetSync.Bench;

/// <summary>One Kestrel server on 127.0.0.1 (HTTP and HTTPS) playing every probed server: fast to accept, on every core.</summary>
public sealed class KestrelFarm : ITargetFarm
{
    private readonly WebApplication _app;

    // Kestrel's work runs on the thread pool: a stall there is the farm's.
    private readonly StallMeter _stalls = new(work => ThreadPool.UnsafeQueueUserWorkItem(_ => work(), null));

    private KestrelFarm(WebApplication app)
    {
        _app = app;
    }

    public TimeSpan TakeWorstStall() => _stalls.TakeWorst();

    public int HttpPort => Port("http://");

    public int HttpsPort => Port("https://");

    private int Port(string scheme) => new Uri(_app.Urls.First(url => url.StartsWith(scheme, StringComparison.Ordinal))).Port;

    /// <param name="everyAddress">Listen on 0.0.0.0, so every 127.x.y.z reaches the farm (only inside a network namespace of its own).</param>
    public static async Task<KestrelFarm> StartAsync(Behaviour[] mix, X509Certificate2 certificate, bool everyAddress = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls(everyAddress ? ["http://0.0.0.0:0", "https://0.0.0.0:0"] : ["http://127.0.0.1:0", "https://127.0.0.1:0"]);
        if (everyAddress)
        {
            builder.WebHost.UseSockets(sockets => sockets.Backlog = SingleThreadFarm.SharedBacklog);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });
        var app = builder.Build();
        app.MapGet("/s/{index:int}", async (int index, HttpContext context) =>
        {
            switch (mix[index])
            {
                case Behaviour.ServiceUnavailable:
                    return Results.StatusCode(503);
                case Behaviour.SlowTwoSeconds:
                    await Task.Delay(TimeSpan.FromSeconds(2), context.RequestAborted);
                    return Results.Ok();
                case Behaviour.NeverAnswers:
                    // Holds the request until the prober gives up and closes the connection.
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    return Results.Ok();
                default:
                    return Results.Ok();
            }
        });
        var testObject = new byte[Scenario.ObjectBytes];
        app.MapGet("/object", () => Results.Bytes(testObject, "application/octet-stream"));
        await app.StartAsync();
        return new KestrelFarm(app);
    }

    public async ValueTask DisposeAsync()
    {
        _stalls.Dispose();
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        await _app.DisposeAsync();
    }
}
