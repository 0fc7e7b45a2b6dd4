using System.Text.RegularExpressions;

namespace CachetSync.Tests.Configuration;

/// <summary>The "Layout" of docs/development.md names every room of src/CachetSync, and no room that is not there.</summary>
public sealed partial class LayoutPageTests
{
    [GeneratedRegex(@"^\| `(?<room>[A-Za-z]+)/` \|", RegexOptions.Multiline)]
    private static partial Regex Room();

    [Fact]
    public void The_layout_table_lists_exactly_the_folders_of_the_app()
    {
        var root = SettingsReaderTests.RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "development.md"));
        var layout = page[page.IndexOf("## Layout", StringComparison.Ordinal)..page.IndexOf("## Building and testing", StringComparison.Ordinal)];
        var folders = Directory.GetDirectories(Path.Combine(root, "src", "CachetSync"))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"))
            .ToHashSet();

        Room().Matches(layout).Select(match => match.Groups["room"].Value).Should().BeEquivalentTo(folders);
    }
}
