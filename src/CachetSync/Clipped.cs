namespace CachetSync;

/// <summary>
/// A text quoted in a message or a table, cut where it is long — a hostile name or answer must not become megabytes
/// of output — with "…" marking the cut.
/// </summary>
public static class Clipped
{
    /// <summary>The first <paramref name="length"/> characters, and "…" when there were more.</summary>
    public static string After(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    /// <summary>At most <paramref name="length"/> characters, the "…" included.</summary>
    public static string Within(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
