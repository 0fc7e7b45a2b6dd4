namespace CachetSync.Output;

/// <summary>
/// The plain tables on stdout (the cycle summary, <c>--list-components</c>): columns two spaces apart, the last one
/// not padded. Every cell is escaped: names and details come from the configuration, Cachet and the servers, and
/// none may forge a row or move the cursor.
/// </summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var escaped = rows.Select(row => row.Select(TerminalText.Escape).ToArray()).Prepend([.. headers]).ToList();
        var widths = headers.Select((_, column) => escaped.Max(row => row[column].Length)).ToArray();
        foreach (var row in escaped)
        {
            for (var column = 0; column < row.Length - 1; column++)
            {
                output.Write(row[column].PadRight(widths[column] + 2));
            }

            output.WriteLine(row[^1]);
        }
    }
}
