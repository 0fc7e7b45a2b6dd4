namespace CachetSync.Cachet;

/// <summary>
/// Cachet could not be read or written. The message is safe to print: it names the operation and the reason,
/// never a header or the token.
/// </summary>
public sealed class CachetException(string message, bool tokenRejected = false, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Cachet answered 401: every further write would fail the same way.</summary>
    public bool TokenRejected { get; } = tokenRejected;

    /// <summary>Cachet's database refused the write (<see cref="LockedDatabase"/>): nothing was written, the same write later succeeds.</summary>
    public bool DatabaseLocked =>
        InnerException is Refit.ApiException { StatusCode: System.Net.HttpStatusCode.BadRequest } api && LockedDatabase.IsEnvelope(api.Content);
}
