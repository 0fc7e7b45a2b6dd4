using CachetSync.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace CachetSync.Cachet;

public static class CachetServiceCollectionExtensions
{
    public const string TokenHeader = "X-Cachet-Token";

    /// <summary>No single back-off (nor a Retry-After) may hold a cycle longer than this.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers the Refit Cachet client on IHttpClientFactory, with the one resilience pipeline every Cachet
    /// call goes through. Without a base URL (a dry run with no Cachet) nothing is registered.
    /// </summary>
    public static IServiceCollection AddCachet(this IServiceCollection services, CachetSettings settings)
    {
        if (settings.BaseUrl is null)
        {
            return services;
        }

        services
            // Buffered bodies go out with Content-Length: PHP behind some FastCGI setups cannot read a chunked body.
            .AddRefitGeneratedClient<ICachetApi>(CachetJsonContext.Default, _ => BufferedJsonSettings())
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = ApiAddress(settings.BaseUrl);
                // The resilience pipeline owns timeouts; HttpClient's own 100 s limit would only get in its way.
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (settings.ApiToken is { } token)
                {
                    client.DefaultRequestHeaders.TryAddWithoutValidation(TokenHeader, token.Reveal());
                }
            })
            .RedactLoggedHeaders([TokenHeader])
            .AddStandardResilienceHandler(options => ConfigureResilience(options, settings));

        services.AddSingleton(provider => new CachetClient(provider.GetRequiredService<ICachetApi>(), settings.PageSize));
        return services;
    }

    /// <summary>The Cachet 2.x API root: the configured page address with <c>/api/v1</c> added unless already there.</summary>
    public static Uri ApiAddress(Uri baseUrl)
    {
        var text = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text.EndsWith("/api/v1", StringComparison.OrdinalIgnoreCase) ? text : text + "/api/v1");
    }

    private static RefitSettings BufferedJsonSettings()
    {
        var settings = RefitSettings.ForJsonContext(CachetJsonContext.Default);
        settings.Buffered = true;
        return settings;
    }

    private static void ConfigureResilience(HttpStandardResilienceOptions options, CachetSettings settings)
    {
        options.AttemptTimeout.Timeout = settings.Timeout;
        options.Retry.MaxRetryAttempts = Math.Max(1, settings.MaxRetries);
        options.Retry.Delay = settings.RetryDelay;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.MaxDelay = MaxRetryDelay;
        // A status PUT is idempotent and safe to repeat; a POST (an incident) is not.
        options.Retry.DisableFor(HttpMethod.Post, HttpMethod.Patch, HttpMethod.Delete);
        if (settings.MaxRetries == 0)
        {
            options.Retry.ShouldHandle = _ => PredicateResult.False();
        }

        var worstBackoff = settings.RetryDelay * Math.Pow(2, settings.MaxRetries);
        options.TotalRequestTimeout.Timeout = settings.Timeout * (settings.MaxRetries + 1) + Min(worstBackoff, MaxRetryDelay * settings.MaxRetries);
        // The breaker opens when every Cachet call in the window failed, and there were at least BreakAfter of them:
        // in a worker, a Cachet that stays down stops costing each cycle its full timeouts and retries.
        options.CircuitBreaker.FailureRatio = 1.0;
        options.CircuitBreaker.MinimumThroughput = Math.Max(2, settings.BreakAfter);
        options.CircuitBreaker.BreakDuration = settings.BreakFor ?? CachetSettings.DefaultBreakFor;
        options.CircuitBreaker.SamplingDuration = Max(TimeSpan.FromMinutes(10), settings.Timeout * 2);
        if (settings.BreakAfter == 0)
        {
            options.CircuitBreaker.ShouldHandle = _ => PredicateResult.False();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
