using System.Buffers;
using System.Globalization;
using System.Text;

namespace CachetSync.Output;

/// <summary>
/// Makes untrusted text (component names, Cachet's error texts, report keys) safe to show on a terminal: control
/// characters are written as escapes, so no name can clear the screen, recolour it, or forge a line of output.
/// </summary>
public static class TerminalText
{
    /// <summary>Every control character, line breaks included, as a visible escape: for one value in a line.</summary>
    public static string Escape(string text) => EscapeWhere(text, Controls);

    /// <summary>Control characters but line breaks and tabs: for whole lines of output our own code composed.</summary>
    public static string EscapeKeepingLines(string text) => EscapeWhere(text, ControlsButLines);

    /// <summary>What <see cref="char.IsControl(char)"/> says is one, and the Unicode line and paragraph separators.</summary>
    private static readonly string ControlCharacters =
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(code => (char)code)) + "\u2028\u2029";

    // Searched, not walked char by char: every log line and table cell passes through here, nearly all with nothing to escape.
    private static readonly SearchValues<char> Controls = SearchValues.Create(ControlCharacters);

    private static readonly SearchValues<char> ControlsButLines = SearchValues.Create(ControlCharacters.Replace("\n", "").Replace("\t", ""));

    private static string EscapeWhere(string text, SearchValues<char> escape)
    {
        if (!text.AsSpan().ContainsAny(escape))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var character in text)
        {
            if (!escape.Contains(character))
            {
                escaped.Append(character);
                continue;
            }

            escaped.Append(character switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u001b' => "\\e",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)character:x4}"),
            });
        }

        return escaped.ToString();
    }
}
