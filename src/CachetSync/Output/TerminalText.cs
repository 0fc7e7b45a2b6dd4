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
    public static string Escape(string text) => EscapeWhere(text, IsControl);

    /// <summary>Control characters but line breaks and tabs: for whole lines of output our own code composed.</summary>
    public static string EscapeKeepingLines(string text) => EscapeWhere(text, character => IsControl(character) && character is not ('\n' or '\t'));

    private static bool IsControl(char character) => char.IsControl(character) || character is '\u2028' or '\u2029';

    private static string EscapeWhere(string text, Func<char, bool> escape)
    {
        if (!text.Any(escape))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var character in text)
        {
            if (!escape(character))
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
