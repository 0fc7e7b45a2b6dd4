using System.Globalization;

namespace CachetSync.Output;

/// <summary>"1 server", "2 servers": a count with its noun, as a person would write it.</summary>
public static class Counted
{
    public static string Of(int count, string noun) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? noun : noun + "s")}";
}
