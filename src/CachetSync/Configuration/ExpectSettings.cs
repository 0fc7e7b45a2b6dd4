using System.Text.RegularExpressions;
using CachetSync.Thresholds;

namespace CachetSync.Configuration;

/// <summary>
/// <c>Probe.Expect</c>: what the answer's body must say, read within <see cref="ProbeRequest.MaxBodyBytes"/>. Data,
/// not an expression language: a substring, a regular expression, or a JSON Pointer with the value it must have.
/// </summary>
/// <param name="Status">What a server whose answer fails a condition is (default PartialOutage).</param>
public sealed record ExpectSettings(string? BodyContains, Regex? BodyMatches, string? Pointer, string? EqualsValue, ComponentStatus Status)
{
    public static readonly string[] Keys = ["BodyContains", "BodyMatches", "Pointer", "Equals", "Status"];

    /// <summary>A hostile body cannot make a pattern run for long.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static ExpectSettings? Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var contains = node.String("BodyContains");
        var matches = ReadRegex(node);
        var pointer = node.String("Pointer");
        var equals = node.Child("Equals").Exists ? node.String("Equals") ?? "" : null;
        if (pointer is not null && !pointer.StartsWith('/'))
        {
            node.Problem("Pointer", $"\"{pointer}\" is not a JSON Pointer (it starts with \"/\", e.g. \"/status\")");
        }

        if ((pointer is null) != (equals is null))
        {
            node.Problem(pointer is null ? "Pointer" : "Equals", "Pointer and Equals go together: the value at Pointer must equal Equals");
        }

        if (contains is null && matches is null && pointer is null && node.String("BodyMatches") is null && equals is null)
        {
            node.Problem("names no condition: set BodyContains, BodyMatches, or Pointer with Equals");
        }

        var status = node.Status("Status") ?? ComponentStatus.PartialOutage;
        return new ExpectSettings(contains, matches, pointer, equals, status);
    }

    private static Regex? ReadRegex(ConfigNode node) => node.Read<Regex>("BodyMatches", pattern =>
    {
        try
        {
            return (new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout), null);
        }
        catch (ArgumentException ex)
        {
            return (null, $"is not a regular expression: {ex.Message}");
        }
    });
}
