using System.Net;
using System.Text.Json;

namespace CachetSync.Cachet;

/// <summary>
/// A Cachet whose database refuses parallel writes. A real Cachet 2.4 on SQLite answered 2 of 4 parallel
/// <c>PUT /components/{id}</c> with <c>400 "The request cannot be fulfilled due to bad syntax."</c> and no
/// <c>meta.details</c> (its log: <c>database is locked</c>; ../shared/cachet-api/README.md, observed 2026-12-07): its
/// controller turns any database error into that 400, nothing is written, and the same request a moment later
/// succeeds. A validation error carries <c>meta.details</c>: that one is final. Once seen, this Cachet's writes go
/// one at a time for the rest of the process, each refused one again in its turn (<see cref="Sync.StatusWriter"/>);
/// a metric point or an incident refused so is retried by the resilience pipeline, as a 5xx is.
/// </summary>
public sealed class LockedDatabase
{
    private int _seen;
    private int _said;

    /// <summary>Whether this Cachet refused a write for a locked database since the process started.</summary>
    public bool Seen => Volatile.Read(ref _seen) == 1;

    public void Note() => Volatile.Write(ref _seen, 1);

    /// <summary>True the first time it is asked after <see cref="Note"/>: the slow-down is said once.</summary>
    public bool FirstSlowDown() => Seen && Interlocked.Exchange(ref _said, 1) == 0;

    /// <summary>Whether <paramref name="response"/> is that 400 (its body is buffered, so the caller still reads it).</summary>
    public static async ValueTask<bool> IsAnswerAsync(HttpResponseMessage? response)
    {
        if (response is not { StatusCode: HttpStatusCode.BadRequest })
        {
            return false;
        }

        try
        {
            return IsEnvelope(await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return false;
        }
    }

    /// <summary>Cachet 2.4's error envelope without <c>meta.details</c>.</summary>
    public static bool IsEnvelope(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0
                && errors[0].ValueKind == JsonValueKind.Object
                && !(errors[0].TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("details", out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
