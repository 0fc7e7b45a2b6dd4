using CachetSync.Cachet.V3;
using CachetSync.Configuration;
using CachetSync.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new CachetRateLimit(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CachetCallTelemetry>();
        services.TryAddSingleton<LockedDatabase>();

        // Buffered bodies go out with Content-Length: PHP behind some FastCGI setups cannot read a chunked body.
        if (settings.ApiVersion != 2)
        {
            // Cachet 3: /api (no v1), a Sanctum token as Bearer.
            Configure(
                services.AddRefitGeneratedClient<ICachet3Api>(Cachet3JsonContext.Default, _ => BufferedJsonSettings(Cachet3JsonContext.Default)),
                settings, "v3", ApiAddress(settings.BaseUrl, "/api"), "Authorization", token => $"Bearer {token}");
            services.AddSingleton(provider => new Cachet3Client(provider.GetRequiredService<ICachet3Api>(), settings.PageSize));
        }

        if (settings.ApiVersion != 3)
        {
            Configure(
                services.AddRefitGeneratedClient<ICachetApi>(CachetJsonContext.Default, _ => BufferedJsonSettings(CachetJsonContext.Default)),
                settings, "v1", ApiAddress(settings.BaseUrl), TokenHeader, token => token);
            services.AddSingleton(provider => new CachetClient(provider.GetRequiredService<ICachetApi>(), settings.PageSize));
        }

        var baseUrl = settings.BaseUrl;
        services.AddSingleton(provider => new CachetVersion(
            provider.GetService<CachetClient>(), provider.GetService<Cachet3Client>(), baseUrl,
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CachetVersion>>(), provider.GetRequiredService<LockedDatabase>()));
        return services;
    }

    /// <summary>The one place every Cachet client gets its address, token header, log redaction and resilience.</summary>
    private static void Configure(
        IHttpClientBuilder client, CachetSettings settings, string api, Uri address, string tokenHeader, Func<string, string> tokenValue)
    {
        client
            // A redirect would carry the token (and the write) to wherever Cachet, or whoever answers for it, points.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .ConfigureHttpClient(http =>
            {
                http.BaseAddress = address;
                // The resilience pipeline owns timeouts; HttpClient's own 100 s limit would only get in its way.
                http.Timeout = Timeout.InfiniteTimeSpan;
                if (settings.ApiToken is { } token)
                {
                    http.DefaultRequestHeaders.TryAddWithoutValidation(tokenHeader, tokenValue(token.Reveal()));
                }
            })
            .RedactLoggedHeaders([tokenHeader])
            // Outside the resilience handler: one measurement and one span per call, however many attempts it took.
            .AddHttpMessageHandler(provider => new CachetCallTelemetry.Handler(provider.GetRequiredService<CachetCallTelemetry>()))
            .AddStandardResilienceHandler()
            .Configure((options, provider) =>
            {
                ConfigureResilience(options, settings);
                var telemetry = provider.GetRequiredService<CachetCallTelemetry>();
                var locked = provider.GetRequiredService<LockedDatabase>();
                options.CircuitBreaker.StateProvider = telemetry.Breaker(api, address);
                options.Retry.OnRetry = async retry =>
                {
                    telemetry.RecordRetry(retry.Context.GetRequestMessage());
                    if (await LockedDatabase.IsAnswerAsync(retry.Outcome.Result))
                    {
                        locked.Note();
                    }
                };
            });

        // Added after the resilience handler, so they run inside each attempt, and the attempt's timeout covers the body.
        client.AddHttpMessageHandler(() => new BoundedAnswerHandler(BoundedAnswerHandler.DefaultMaxBytes));
        client.AddHttpMessageHandler(provider => new CachetRateLimit.Observer(provider.GetRequiredService<CachetRateLimit>()));
    }

    /// <summary>The API root: the configured page address with <paramref name="root"/> (<c>/api/v1</c> for 2.x, <c>/api</c> for 3) added unless already there.</summary>
    public static Uri ApiAddress(Uri baseUrl, string root = "/api/v1")
    {
        var text = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text.EndsWith(root, StringComparison.OrdinalIgnoreCase) ? text : text + root);
    }

    private static RefitSettings BufferedJsonSettings(System.Text.Json.Serialization.JsonSerializerContext context)
    {
        var settings = RefitSettings.ForJsonContext(context);
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
        // A status PUT is idempotent and safe to repeat; a POST (an incident, a point) is not, unless Cachet said its
        // database refused it: then nothing was written (see LockedDatabase). A PUT refused so is sent again by the
        // StatusWriter in its turn: retried here, the refused ones would meet each other again.
        options.Retry.ShouldHandle = async retry =>
            settings.MaxRetries > 0
            && retry.Context.GetRequestMessage()?.Method is { } method
            && (method == HttpMethod.Get || method == HttpMethod.Put
                ? HttpClientResiliencePredicates.IsTransient(retry.Outcome)
                : method == HttpMethod.Post && await LockedDatabase.IsAnswerAsync(retry.Outcome.Result));

        var worstBackoff = settings.RetryDelay * Math.Pow(2, settings.MaxRetries);
        options.TotalRequestTimeout.Timeout = settings.Timeout * (settings.MaxRetries + 1) + Min(worstBackoff, MaxRetryDelay * settings.MaxRetries);
        // The breaker opens when every Cachet call in the window failed, and there were at least BreakAfter of them:
        // in a worker, a Cachet that stays down stops costing each cycle its full timeouts and retries.
        options.CircuitBreaker.FailureRatio = 1.0;
        options.CircuitBreaker.MinimumThroughput = Math.Max(2, settings.BreakAfter);
        options.CircuitBreaker.BreakDuration = settings.BreakFor;
        options.CircuitBreaker.SamplingDuration = Max(TimeSpan.FromMinutes(10), settings.Timeout * 2);
        if (settings.BreakAfter == 0)
        {
            options.CircuitBreaker.ShouldHandle = _ => PredicateResult.False();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
