using CachetSync.Cachet.V3;
using Microsoft.Extensions.Logging;

namespace CachetSync.Cachet;

/// <summary>
/// Which client speaks to this Cachet: the 2.x one or the Cachet 3 one. <c>Cachet.ApiVersion</c> 2 or 3 says so;
/// with <c>auto</c> it is told apart once, the first time Cachet is needed, and that client handed out from then on.
/// The first call of every cycle and listing is the components read: asked the 2.x way, a 2.x answers it (no extra
/// request at all) and Cachet 3 has no such route (404, then read the 3 way: one extra request). Anything else asks
/// <c>GET /api/v1/ping</c>, which every 2.x answers. An answer that says neither (Cachet down, 5xx) decides nothing:
/// the next call asks again.
/// </summary>
public sealed class CachetVersion(CachetClient? v2, Cachet3Client? v3, Uri baseUrl, ILogger<CachetVersion> logger, LockedDatabase lockedDatabase)
{
    private readonly SemaphoreSlim _deciding = new(1, 1);
    private ICachetClient? _client = v2 is null ? v3 : v3 is null ? v2 : null;

    /// <summary>Whether this Cachet's database refused parallel writes: then they go one at a time.</summary>
    public LockedDatabase LockedDatabase => lockedDatabase;

    /// <summary>The client of this Cachet's version, told apart first if it is not known yet.</summary>
    /// <exception cref="CachetException">Cachet could not be asked, and so not told apart.</exception>
    public async Task<ICachetClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } known)
        {
            return known;
        }

        await _deciding.WaitAsync(cancellationToken);
        try
        {
            return _client ?? Decided(await v2!.AnswersPingAsync(cancellationToken), "/api/v1/ping");
        }
        finally
        {
            _deciding.Release();
        }
    }

    /// <summary>Every component, and the client that read them: the read itself tells the versions apart.</summary>
    public async Task<(ICachetClient Client, IReadOnlyList<CachetComponent> Components)> ReadComponentsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } known)
        {
            try
            {
                return (known, await known.ReadAllComponentsAsync(cancellationToken));
            }
            catch (CachetException ex) when ((v2 is null || v3 is null) && CachetClient.IsNotFound(ex))
            {
                // Set by hand, the version may be the other one: a bare 404 would not say so.
                throw new CachetException(
                    $"{ex.Message}: Cachet.ApiVersion is {(v2 is null ? 3 : 2)}, and a Cachet {(v2 is null ? "2.x" : "3")} answers so here; remove ApiVersion to have it detected",
                    inner: ex.InnerException);
            }
        }

        await _deciding.WaitAsync(cancellationToken);
        try
        {
            if (_client is null)
            {
                try
                {
                    var components = await v2!.ReadAllComponentsAsync(cancellationToken);
                    return (Decided(isV2: true, "/api/v1/components"), components);
                }
                catch (CachetException ex) when (CachetClient.IsNotFound(ex))
                {
                    Decided(isV2: false, "/api/v1/components");
                }
            }
        }
        finally
        {
            _deciding.Release();
        }

        var client = _client!;
        return (client, await client.ReadAllComponentsAsync(cancellationToken));
    }

    private ICachetClient Decided(bool isV2, string route)
    {
        logger.LogInformation(
            "Cachet at {BaseUrl} speaks the {Version} API ({Route} {Evidence}); set Cachet.ApiVersion to skip this check",
            // The path too: a Cachet at …:8191/status is not the one at …:8191.
            Configuration.UrlText.Masked(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')), isV2 ? "2.x" : "3", route, isV2 ? "answered" : "is not there");
        var client = isV2 ? (ICachetClient)v2! : v3!;
        Volatile.Write(ref _client, client);
        return client;
    }
}
