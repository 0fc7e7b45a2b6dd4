using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CachetSync.Tests.Configuration;

namespace CachetSync.Tests.Deploy;

/// <summary>A compose file of deploy/ as shipped (the worker's by default), read for what its one container runs.</summary>
public sealed partial class ComposeFile(string fileName = "docker-compose.yml")
{
    public string Text { get; } = File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "deploy", fileName));

    /// <summary>The service's <c>command</c>: the arguments that replace the image's <c>--once</c>.</summary>
    public string[] Command => JsonSerializer.Deserialize<string[]>(CommandLine().Match(Text).Groups["command"].Value)!;

    /// <summary>The service's environment; a <c>${VARIABLE:?…}</c> value is what compose takes from the caller's environment.</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> callers) =>
        EnvironmentEntry().Matches(Text).ToDictionary(
            match => match.Groups["name"].Value,
            match => Substitution().Replace(match.Groups["value"].Value.Trim().Trim('"'), variable => callers[variable.Groups["variable"].Value]));

    /// <summary>The <c>ports</c> entries, e.g. <c>127.0.0.1:9464:9464</c>.</summary>
    public string[] Ports => PortEntry().Matches(Text).Select(match => match.Groups["port"].Value).ToArray();

    public bool ReadOnly => Regex.IsMatch(Text, @"^\s+read_only: true$", RegexOptions.Multiline);

    /// <summary>The <c>sysctls</c> entries as name=value.</summary>
    public string[] Sysctls => SysctlEntry().Matches(Text).Select(match => $"{match.Groups["name"].Value}={match.Groups["value"].Value}").ToArray();

    public TimeSpan StopGracePeriod =>
        TimeSpan.FromSeconds(int.Parse(Regex.Match(Text, @"^\s+stop_grace_period: (\d+)s$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^\s+command: (?<command>\[.*\])$", RegexOptions.Multiline)]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^\s+(?<name>CACHETSYNC_\w+): (?<value>.+)$", RegexOptions.Multiline)]
    private static partial Regex EnvironmentEntry();

    [GeneratedRegex(@"\$\{(?<variable>\w+)(:\?[^}]*)?\}")]
    private static partial Regex Substitution();

    [GeneratedRegex(@"^\s+- ""(?<port>([\d.]+:)?\d+:\d+)""$", RegexOptions.Multiline)]
    private static partial Regex PortEntry();

    [GeneratedRegex(@"^\s+(?<name>net\.[\w.]+): ""(?<value>[^""]*)""$", RegexOptions.Multiline)]
    private static partial Regex SysctlEntry();
}
