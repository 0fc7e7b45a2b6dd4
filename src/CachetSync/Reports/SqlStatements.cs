namespace CachetSync.Reports;

/// <summary>Tells whether SQL text holds more than one statement: a ';' outside quotes and comments, other than a trailing one.</summary>
public static class SqlStatements
{
    public static bool HasMoreThanOne(string sql)
    {
        var text = sql.TrimEnd();
        var end = text.EndsWith(';') ? text.Length - 1 : text.Length;
        char? quote = null;
        for (var i = 0; i < end; i++)
        {
            var character = text[i];
            if (quote is { } open)
            {
                // A doubled quote inside a literal ('it''s') is part of it; the next pass sees the second as an opener.
                if (character == open)
                {
                    quote = null;
                }

                continue;
            }

            switch (character)
            {
                case '\'' or '"' or '`':
                    quote = character;
                    break;
                case '-' when i + 1 < end && text[i + 1] == '-':
                    i = NextLineBreak(text, i, end);
                    break;
                case ';':
                    return true;
            }
        }

        return false;
    }

    private static int NextLineBreak(string text, int from, int end)
    {
        var newline = text.IndexOf('\n', from);
        return newline < 0 || newline > end ? end : newline;
    }
}
