using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>
/// docs/configuration.md says each key's default; the code has its own. Writing the documented default into the
/// configuration must give exactly the settings that writing nothing gives — so the two cannot drift apart.
/// </summary>
public sealed partial class ConfigurationPageTests
{
    [GeneratedRegex(@"^## `(?<section>[A-Za-z]+)`")]
    private static partial Regex Section();

    [GeneratedRegex(@"^\| `(?<key>[A-Za-z.]+)` \| `(?<default>[^`<]+)` \|")]
    private static partial Regex Row();

    private static string ConfigurationPage => Path.Combine(SettingsReaderTests.RepositoryRoot(), "docs", "configuration.md");

    /// <summary>(section, key, default) of each first table under a "## `Section`" of the configuration reference.</summary>
    public static TheoryData<string, string> Defaults()
    {
        var data = new TheoryData<string, string>();
        string? section = null;
        var inTable = false;
        foreach (var line in File.ReadAllLines(ConfigurationPage))
        {
            if (Section().Match(line) is { Success: true } header)
            {
                section = header.Groups["section"].Value;
                inTable = false;
                continue;
            }

            if (section is null)
            {
                continue;
            }

            if (line.StartsWith('|'))
            {
                inTable = true;
                if (Row().Match(line) is { Success: true } row)
                {
                    var key = row.Groups["key"].Value;
                    // "## `Damping` and `State`" writes its keys in full.
                    data.Add(key.StartsWith("Damping.", StringComparison.Ordinal) || key.StartsWith("State.", StringComparison.Ordinal) ? key : $"{section}.{key}", row.Groups["default"].Value);
                }
            }
            else if (inTable)
            {
                section = null;
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Writing_the_documented_default_changes_nothing(string key, string readmeDefault)
    {
        var path = key.Split('.');
        var config = new JsonObject();
        var node = config;
        foreach (var part in path[..^1])
        {
            node = (JsonObject)(node[part] ??= new JsonObject());
        }

        node[path[^1]] = readmeDefault switch
        {
            "true" => true,
            "false" => false,
            _ when long.TryParse(readmeDefault, out var number) => number,
            _ => readmeDefault,
        };

        var (given, problems) = SettingsReader.Read(ConfigTree.Parse(config.ToJsonString()), dryRun: true);
        var (nothing, _) = SettingsReader.Read(ConfigTree.Parse("{}"), dryRun: true);

        problems.Should().BeEmpty();
        Normal(given!).Should().BeEquivalentTo(Normal(nothing!), options => options.ComparingRecordsByMembers(), $"docs/configuration.md says {key} defaults to {readmeDefault}");
    }

    /// <summary>An absent optional section and one with its defaults mean the same.</summary>
    private static CachetSyncSettings Normal(CachetSyncSettings settings) => settings with
    {
        Damping = settings.Damping ?? DampingSettings.Immediate,
        Incidents = settings.Incidents ?? IncidentSettings.Disabled,
        Metrics = settings.Metrics ?? MetricSettings.Read(new ConfigNode(null, "Metrics", [])),
    };
}
