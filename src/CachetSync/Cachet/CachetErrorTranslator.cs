using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace CachetSync.Cachet;

/// <summary>Turns whatever a Cachet call threw into one <see cref="CachetException"/> an operator can act on.</summary>
public static class CachetErrorTranslator
{
    /// <summary>Runs one Cachet call; whatever it throws (but the caller's own cancellation) becomes a <see cref="CachetException"/>.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Translate(ex, operation);
        }
    }

    public static CachetException Translate(Exception exception, string operation) => exception switch
    {
        // Refit wraps transport failures; what happened is the inner exception.
        ApiRequestException { InnerException: { } inner } => Translate(inner, operation),
        ApiException { StatusCode: HttpStatusCode.Unauthorized } api =>
            new CachetException($"{operation}: Cachet rejected the API token (HTTP 401)", tokenRejected: true, api),
        ApiException { StatusCode: >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest } api =>
            new CachetException(
                $"{operation}: Cachet answered HTTP {(int)api.StatusCode}, a redirect to {Target(api)}: not followed, the token would go with it. "
                + "Set Cachet.BaseUrl to the address Cachet really answers at", inner: api),
        CachetAnswerTooLargeException tooLarge =>
            new CachetException($"{operation}: {tooLarge.Message}", inner: tooLarge),
        ApiException { StatusCode: HttpStatusCode.Forbidden } api =>
            new CachetException(
                $"{operation}: Cachet answered HTTP 403 Forbidden{CachetDetail(api.Content)}: the token is valid but may not do this "
                + "(Cachet 3: give it the ability, e.g. components.manage for status writes)", inner: api),
        ApiException { StatusCode: HttpStatusCode.OK } api =>
            new CachetException($"{operation}: Cachet answered a body that is not the expected JSON ({Reason(api)})", inner: api),
        ApiException api =>
            new CachetException($"{operation}: Cachet answered HTTP {(int)api.StatusCode} {api.ReasonPhrase}{CachetDetail(api.Content)}", inner: api),
        JsonException json =>
            new CachetException($"{operation}: Cachet answered a body that is not the expected JSON ({json.Message})", inner: json),
        TimeoutRejectedException timeout =>
            new CachetException($"{operation}: Cachet did not answer in time", inner: timeout),
        BrokenCircuitException broken =>
            new CachetException($"{operation}: not sent, Cachet failed too often recently (circuit open)", inner: broken),
        HttpRequestException http =>
            new CachetException($"{operation}: cannot reach Cachet ({http.Message})", inner: http),
        OperationCanceledException canceled =>
            new CachetException($"{operation}: Cachet did not answer in time", inner: canceled),
        _ => new CachetException($"{operation}: {exception.GetType().Name}: {exception.Message}", inner: exception),
    };

    private static string Target(ApiException api) =>
        api.Headers.Location is { } location ? Configuration.UrlText.Masked(location.ToString()) : "(no Location header)";

    private static string Reason(ApiException api) =>
        api.InnerException?.Message ?? (api.HasContent ? "unreadable body" : "empty body");

    /// <summary>Cachet's own words from its error envelope, e.g. " (The status may not be greater than 4.)".</summary>
    private static string CachetDetail(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                // Cachet 3 answers errors the Laravel way: {"message": "...", "errors": {"field": ["..."]}}.
                return $" ({message.GetString()})";
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors)
                || errors.ValueKind != JsonValueKind.Array
                || errors.GetArrayLength() == 0)
            {
                return "";
            }

            var first = errors[0];
            var details = first.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty("details", out var list) && list.ValueKind == JsonValueKind.Array
                ? string.Join(" ", list.EnumerateArray().Select(item => item.ToString()))
                : first.TryGetProperty("detail", out var detail) ? detail.ToString() : "";
            return details.Length == 0 ? "" : $" ({details})";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
