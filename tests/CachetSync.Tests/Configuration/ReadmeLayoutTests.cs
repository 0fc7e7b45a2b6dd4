using System.Text.RegularExpressions;

namespace CachetSync.Tests.Configuration;

/// <summary>README's "Layout" names every room of src/CachetSync, and no room that is not there.</summary>
public sealed partial class ReadmeLayoutTests
{
    [GeneratedRegex(@"^\| `(?<room>[A-Za-z]+)/` \|", RegexOptions.Multiline)]
    private static partial Regex Room();

    [Fact]
    public void The_layout_table_lists_exactly_the_folders_of_the_app()
    {
        var root = SettingsReaderTests.RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var layout = readme[readme.IndexOf("## Layout", StringComparison.Ordinal)..readme.IndexOf("## Development", StringComparison.Ordinal)];
        var folders = Directory.GetDirectories(Path.Combine(root, "src", "CachetSync"))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"))
            .ToHashSet();

        Room().Matches(layout).Select(match => match.Groups["room"].Value).Should().BeEquivalentTo(folders);
    }
}
