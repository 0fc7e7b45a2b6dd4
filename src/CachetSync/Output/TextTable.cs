namespace CachetSync.Output;

/// <summary>
/// The plain tables on stdout (the cycle summary, <c>--list-components</c>): columns two spaces apart, the last one
/// not padded. Every cell is escaped: names and details come from the configuration, Cachet and the servers, and
/// none may forge a row or move the cursor.
/// </summary>
public static class TextTable
{
    /// <summary>
    /// A padded cell longer than this is cut: one 15 MB name from a hostile Cachet would pad every row of the table
    /// to 15 MB. The last column (the detail) is not padded, so it is only cut at the much larger line limit.
    /// </summary>
    public const int MaxPaddedCell = 120;

    public const int MaxLastCell = 2_000;

    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var escaped = rows
            .Select(row => row.Select((cell, column) => Clipped.Within(TerminalText.Escape(cell), column == row.Count - 1 ? MaxLastCell : MaxPaddedCell)).ToArray())
            .Prepend([.. headers]).ToList();
        var widths = headers.Select((_, column) => escaped.Max(row => row[column].Length)).ToArray();
        // One write for the table: stdout is written through at every write (a cell each was 7 000 system calls
        // and as many redactions at 1 000 servers), and rows are whole lines, so no secret straddles two writes.
        var table = new System.Text.StringBuilder();
        foreach (var row in escaped)
        {
            for (var column = 0; column < row.Length - 1; column++)
            {
                table.Append(row[column]).Append(' ', widths[column] + 2 - row[column].Length);
            }

            table.Append(row[^1]).Append(output.NewLine);
        }

        output.Write(table.ToString());
    }
}
