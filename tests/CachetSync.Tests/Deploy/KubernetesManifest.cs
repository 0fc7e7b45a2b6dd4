using System.Text.Json;
using System.Text.RegularExpressions;
using CachetSync.Tests.Configuration;

namespace CachetSync.Tests.Deploy;

/// <summary>A manifest of deploy/kubernetes as shipped, read for what a pod runs: its arguments and plain environment.</summary>
public sealed partial class KubernetesManifest(string fileName)
{
    public string Text { get; } = File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "deploy", "kubernetes", fileName));

    /// <summary>The container's <c>args</c>, as one command line.</summary>
    public string Arguments => string.Join(' ', JsonSerializer.Deserialize<string[]>(ArgsLine().Match(Text).Groups["args"].Value)!);

    /// <summary>The container's plain name/value environment entries (secrets come from the deployment), unquoted.</summary>
    public Dictionary<string, string> Environment() =>
        EnvValue().Matches(Text).ToDictionary(match => match.Groups["name"].Value, match => match.Groups["value"].Value.Trim('"'));

    /// <summary>A whole-number field such as <c>completions: 4</c>.</summary>
    public int Field(string name) => int.Parse(Regex.Match(Text, $@"^\s+{name}: (\d+)$", RegexOptions.Multiline).Groups[1].Value);

    /// <summary>The path and port of an HTTP probe (<c>livenessProbe</c>, <c>readinessProbe</c>).</summary>
    public (string Path, string Port) HttpProbe(string kind)
    {
        var match = Regex.Match(Text, $@"{kind}:\s+httpGet:\s+path: (?<path>\S+)\s+port: (?<port>\S+)");
        return (match.Groups["path"].Value, match.Groups["port"].Value);
    }

    /// <summary>The number of a named container port.</summary>
    public int ContainerPort(string name) => int.Parse(Regex.Match(Text, $@"- name: {name}\s+containerPort: (\d+)").Groups[1].Value);

    /// <summary>A pod annotation's value, unquoted.</summary>
    public string Annotation(string name) => Regex.Match(Text, $@"^\s+{Regex.Escape(name)}: ""(.*)""$", RegexOptions.Multiline).Groups[1].Value;

    /// <summary>The value of a pod sysctl (<c>securityContext.sysctls</c>), unquoted.</summary>
    public string Sysctl(string name) => Regex.Match(Text, $@"- name: {Regex.Escape(name)}\s+value: ""(?<value>[^""]*)""").Groups["value"].Value;

    /// <summary>The container's <c>args</c>, one by one.</summary>
    public string[] ArgumentList => JsonSerializer.Deserialize<string[]>(ArgsLine().Match(Text).Groups["args"].Value)!;

    [GeneratedRegex(@"^\s+args: (?<args>\[.*\])$", RegexOptions.Multiline)]
    private static partial Regex ArgsLine();

    [GeneratedRegex(@"- name: (?<name>CACHETSYNC_\w+)\s+value: (?<value>\S+)")]
    private static partial Regex EnvValue();
}
