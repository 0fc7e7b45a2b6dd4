using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CachetSync.Configuration;

namespace CachetSync.Probing;

/// <summary>Holds an answer's body against the server's <c>Expect</c> conditions. Pure: the body is already read.</summary>
public static class ExpectCheck
{
    /// <summary>Longest piece of the body quoted back in a reason: enough to recognise, not enough to flood a row.</summary>
    private const int QuoteLength = 60;

    /// <param name="complete">The whole body was read (else only its first bytes: said in the reason).</param>
    /// <returns>The first condition that failed, or null when all hold.</returns>
    public static UnmetCondition? Evaluate(ExpectSettings expect, ReadOnlyMemory<byte> body, bool complete)
    {
        var failure = Failure(expect, body, complete ? "" : $" (in its first {ByteSizeText.Format(body.Length)})");
        return failure is null ? null : new UnmetCondition(failure, expect.Status);
    }

    private static string? Failure(ExpectSettings expect, ReadOnlyMemory<byte> body, string within)
    {
        if (expect.BodyContains is not null || expect.BodyMatches is not null)
        {
            var text = Encoding.UTF8.GetString(body.Span);
            if (expect.BodyContains is { } expected && !text.Contains(expected, StringComparison.Ordinal))
            {
                return $"the body does not contain \"{Quote(expected)}\"{within}";
            }

            if (expect.BodyMatches is { } pattern && Matches(pattern, text) is { } mismatch)
            {
                return $"{mismatch}{within}";
            }
        }

        return expect.Pointer is { } pointer ? PointerFailure(pointer, expect.EqualsValue ?? "", body, within) : null;
    }

    private static string? Matches(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text) ? null : $"the body does not match \"{Quote(pattern.ToString())}\"";
        }
        catch (RegexMatchTimeoutException)
        {
            return $"the body took longer than {ExpectSettings.MatchTimeout.TotalMilliseconds:0} ms to match \"{Quote(pattern.ToString())}\"";
        }
    }

    private static string? PointerFailure(string pointer, string expected, ReadOnlyMemory<byte> body, string within)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return $"the body is not JSON{within}, expected {pointer} = \"{Quote(expected)}\"";
        }

        using (document)
        {
            if (JsonPointer.Find(document.RootElement, pointer) is not { } element)
            {
                return $"{pointer} is missing, expected \"{Quote(expected)}\"";
            }

            var actual = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
            return actual == expected
                ? null
                : element.ValueKind == JsonValueKind.String
                    ? $"{pointer} is \"{Quote(actual)}\", expected \"{Quote(expected)}\""
                    : $"{pointer} is {Quote(actual)}, expected \"{Quote(expected)}\"";
        }
    }

    private static string Quote(string text) => text.Length <= QuoteLength ? text : $"{text[..QuoteLength]}…";
}
