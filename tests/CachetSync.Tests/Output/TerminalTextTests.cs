using CachetSync.Output;

namespace CachetSync.Tests.Output;

/// <summary>Which characters reach a terminal as escapes: held to <see cref="char.IsControl(char)"/> over every UTF-16 unit.</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public void Escape_changes_exactly_the_control_characters_and_the_unicode_line_separators()
    {
        var changed = AllCharacters().Where(character => TerminalText.Escape($"a{character}b") != $"a{character}b");

        changed.Should().Equal(AllCharacters().Where(character => char.IsControl(character) || character is '\u2028' or '\u2029'));
    }

    [Fact]
    public void Escape_keeping_lines_leaves_line_feeds_and_tabs_and_escapes_the_rest()
    {
        TerminalText.EscapeKeepingLines("one\ttwo\nthree\r\u001b[2J\u0085").Should().Be("one\ttwo\nthree\\r\\e[2J\\u0085");
        TerminalText.Escape("one\ttwo\nthree").Should().Be("one\\ttwo\\nthree");
    }

    [Fact]
    public void Text_with_nothing_to_escape_is_given_back_as_it_is()
    {
        const string plain = "stream-1: Operational -> MajorOutage (ünïcode, 日本)";

        TerminalText.Escape(plain).Should().BeSameAs(plain);
    }

    private static IEnumerable<char> AllCharacters() => Enumerable.Range(0, char.MaxValue + 1).Select(code => (char)code);
}
