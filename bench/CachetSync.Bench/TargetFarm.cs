using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CachetSync.Bench;

/// <summary>One Kestrel server on 127.0.0.1 playing every probed server: <c>/s/{i}</c> behaves as the mix says.</summary>
public sealed class TargetFarm : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TargetFarm(WebApplication app, Behaviour[] mix)
    {
        _app = app;
        Mix = mix;
    }

    public Behaviour[] Mix { get; }

    public string BaseUrl => _app.Urls.First();

    public static async Task<TargetFarm> StartAsync(Behaviour[] mix)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = null);
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
        await app.StartAsync();
        return new TargetFarm(app, mix);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        await _app.DisposeAsync();
    }
}
