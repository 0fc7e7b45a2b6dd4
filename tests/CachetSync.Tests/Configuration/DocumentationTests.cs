using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>README is a landing page whose example works; every link of it and of docs/ leads somewhere real.</summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = SettingsReaderTests.RepositoryRoot();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#+ (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\b[Ii]ssue \d+|\.\./shared|shared/cachet-api")]
    private static partial Regex InternalReference();

    public static TheoryData<string> Pages() =>
        new(new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(path => Path.Combine("docs", Path.GetFileName(path)))));

    [Fact]
    public void The_readme_is_a_landing_page_of_at_most_200_lines()
    {
        File.ReadAllLines(Path.Combine(Root, "README.md")).Length.Should().BeLessThanOrEqualTo(200);
    }

    [Fact]
    public void The_readmes_minimal_configuration_is_valid_as_shown()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("## A minimal configuration", StringComparison.Ordinal)..];
        var start = section.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var json = section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)];
        var config = JsonNode.Parse(json)!.AsObject();
        config["Cachet"]!["ApiToken"] = "given-through-the-environment";

        var (settings, problems) = SettingsReader.Read(ConfigTree.Parse(config.ToJsonString()), dryRun: false);

        problems.Select(problem => problem.ToString()).Should().BeEmpty();
        settings!.Servers.Should().HaveCount(3);
        settings.Guard.Canaries.Should().ContainSingle();
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_link_leads_to_a_file_and_heading_that_exist(string page)
    {
        var text = File.ReadAllText(Path.Combine(Root, page));
        var directory = Path.GetDirectoryName(Path.Combine(Root, page))!;
        foreach (var target in Link().Matches(text).Select(match => match.Groups["target"].Value).Where(target => !target.Contains("://", StringComparison.Ordinal)))
        {
            var (file, anchor) = target.Split('#') is [var path, var fragment] ? (path, fragment) : (target, null);
            var linked = file.Length == 0 ? Path.Combine(Root, page) : Path.GetFullPath(Path.Combine(directory, file));
            File.Exists(linked).Should().BeTrue($"{page} links to {target}");
            if (anchor is not null)
            {
                Heading().Matches(File.ReadAllText(linked)).Select(match => Slug(match.Groups["title"].Value))
                    .Should().Contain(anchor, $"{page} links to {target}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_page_names_no_tracker_number_and_no_path_a_reader_does_not_have(string page)
    {
        InternalReference().Matches(File.ReadAllText(Path.Combine(Root, page))).Select(match => match.Value).Should().BeEmpty();
    }

    /// <summary>A heading's anchor as GitHub makes it: lower case, spaces to hyphens, other punctuation dropped.</summary>
    private static string Slug(string title) =>
        new(title.Trim().ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());
}
