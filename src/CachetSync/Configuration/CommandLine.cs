using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace CachetSync.Configuration;

/// <summary>
/// The command line, parsed by System.CommandLine (POSIX conventions: <c>--opt value</c>, <c>--opt=value</c>,
/// <c>--opt:value</c>, <c>-h</c>, <c>--help</c>, <c>-?</c>), with CachetSync's own words for what it refuses.
/// </summary>
public sealed record CommandLine(
    string? ConfigFile, bool Once, bool DryRun, bool Help, bool Version, OutputFormat Output = OutputFormat.Table, bool ListComponents = false,
    Sync.Shard? Shard = null, bool Witness = false, bool Demo = false)
{
    /// <summary>The help text: the usage line and each option's description are the options' own.</summary>
    public static string Usage => BuildUsage();

    private static readonly Option<string?> ConfigOption = Valued<string?>("--config", "FILE",
        "configuration file (default: appsettings.json in the working directory)",
        text => string.IsNullOrWhiteSpace(text) ? null : text, "--config needs a file name");

    private static readonly Option<bool> OnceOption = Flag("--once", "run one cycle and exit (container job / Kubernetes CronJob mode)");
    private static readonly Option<bool> DryRunOption = Flag("--dry-run", "do everything except writing to Cachet; print the plan");

    private static readonly Option<OutputFormat?> OutputOption = Valued<OutputFormat?>("--output", "table|json",
        "the cycle summary on stdout: a table (default) or one JSON object per cycle",
        text => EnumNames.TryParse<OutputFormat>(text, out var format) ? format : null,
        "--output takes table or json");

    private static readonly Option<Sync.Shard?> ShardOption = Valued<Sync.Shard?>("--shard", "i/K",
        "own only shard i (0 to K-1) of the servers, split K ways by name (default: all;\n"
            + "with Shards: K in the configuration, JOB_COMPLETION_INDEX gives i)",
        text => Sync.Shard.TryParse(text, out var shard) ? shard : null,
        $"--shard takes i/K: shard i (from 0) of K (1 to {Sync.Shard.MaxCount}), e.g. --shard 0/4");

    private static readonly Option<bool> ListComponentsOption = Flag("--list-components",
        "print every Cachet component (id, name, group, status) and exit: a help for\nwriting Servers; needs Cachet.BaseUrl, not the token");

    private static readonly Option<bool> WitnessOption = Flag("--witness",
        "be a witness: answer writers' signed questions about the configured servers\n(Witness.Listen, Witness.Token); writes nothing to Cachet");

    private static readonly Option<bool> DemoOption = Flag("--demo",
        "one dry-run cycle against stand-ins this process starts on 127.0.0.1 (servers,\na Cachet, a report file): see it work with no network and no Cachet");

    private static readonly RootCommand Root = CreateRoot();

    /// <summary>Every option the parser knows, by every name it answers to.</summary>
    public static IEnumerable<string> OptionNames => Root.Options.SelectMany(option => option.Aliases.Prepend(option.Name));

    /// <returns>The parsed command line, or null and the reason (and the argument it did not know, if that was why).</returns>
    public static (CommandLine? CommandLine, string? Error, string? Unknown) Parse(IReadOnlyList<string> args)
    {
        // A flag given a value ("--once=yes") is a mistake to name as written, not a value to parse.
        if (args.FirstOrDefault(arg => arg.Split('=', ':')[0] is var name && arg.Length > name.Length && Root.Options.Any(
                option => option is Option<bool> or HelpOption or VersionOption && (option.Name == name || option.Aliases.Contains(name)))) is { } flagWithValue)
        {
            return (null, $"unknown argument \"{flagWithValue}\"", flagWithValue);
        }

        var result = Root.Parse(args);
        if (result.UnmatchedTokens.Count > 0)
        {
            return (null, $"unknown argument \"{result.UnmatchedTokens[0]}\"", result.UnmatchedTokens[0]);
        }

        if (result.Errors.Count > 0)
        {
            return (null, result.Errors[0].Message, null);
        }

        if (result.GetValue(WitnessOption) && (result.GetValue(OnceOption) || result.GetValue(DryRunOption) || result.GetValue(ListComponentsOption)))
        {
            return (null, "--witness serves until stopped and writes nothing: it takes no --once, --dry-run or --list-components", null);
        }

        if (result.GetValue(DemoOption) && (result.GetValue(ConfigOption) is not null || result.GetValue(WitnessOption) || result.GetValue(ListComponentsOption)
                || result.GetValue(ShardOption) is not null))
        {
            return (null, "--demo brings its own configuration and stand-ins: it takes no --config, --witness, --list-components or --shard", null);
        }

        return (new CommandLine(
            result.GetValue(ConfigOption),
            result.GetValue(OnceOption),
            result.GetValue(DryRunOption),
            Given<HelpOption>(result),
            Given<VersionOption>(result),
            result.GetValue(OutputOption) ?? OutputFormat.Table,
            result.GetValue(ListComponentsOption),
            result.GetValue(ShardOption),
            result.GetValue(WitnessOption),
            result.GetValue(DemoOption)), null, null);
    }

    /// <summary>
    /// Tab completion: the <c>[suggest]</c> directive that <c>dotnet-suggest</c> sends (<c>cachetsync [suggest:6] "--conf"</c>)
    /// is answered by System.CommandLine itself, one candidate per line.
    /// </summary>
    public static bool TryComplete(IReadOnlyList<string> args, TextWriter output, out int exitCode)
    {
        exitCode = 0;
        if (args.Count == 0 || !args[0].StartsWith("[suggest", StringComparison.Ordinal))
        {
            return false;
        }

        exitCode = Root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output });
        return true;
    }

    /// <summary>The option a mistyped one most likely meant ("--onse" → "--once"), if one is close enough.</summary>
    public static string? Suggestion(string unknown)
    {
        var name = unknown.Split('=', ':')[0];
        return OptionNames.Where(option => option.StartsWith("--", StringComparison.Ordinal))
            .Select(option => (Option: option, Distance: EditDistance(name, option)))
            .Where(candidate => candidate.Distance <= Math.Max(1, candidate.Option.Length / 4))
            .OrderBy(candidate => candidate.Distance)
            .Select(candidate => candidate.Option)
            .FirstOrDefault();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static RootCommand CreateRoot()
    {
        // The values as written in the docs, not the enum's names.
        OutputOption.CompletionSources.Clear();
        OutputOption.CompletionSources.Add("table", "json");
        return new RootCommand("cachetsync") { ConfigOption, OnceOption, DryRunOption, OutputOption, ShardOption, ListComponentsOption, WitnessOption, DemoOption };
    }

    private static Option<bool> Flag(string name, string description) => new(name) { Arity = ArgumentArity.Zero, Description = description };

    /// <summary>An option with one value, read by <paramref name="parse"/>; null from it refuses the value with <paramref name="error"/>.</summary>
    private static Option<T> Valued<T>(string name, string valueName, string description, Func<string?, T> parse, string error) => new(name)
    {
        Arity = ArgumentArity.ZeroOrOne, HelpName = valueName, Description = description,
        CustomParser = argument =>
        {
            var value = parse(argument.Tokens is [var token] ? token.Value : null);
            if (value is null)
            {
                argument.AddError(error);
            }

            return value;
        },
    };

    private static string BuildUsage()
    {
        // Ours first; the built-in --version and --help last, as a reader expects them.
        var options = Root.Options.OrderBy(option => option switch { VersionOption => 1, HelpOption => 2, _ => 0 }).ToList();
        var line = string.Join(' ', options.Select(option => option switch
        {
            HelpOption => "[-h|--help]",
            _ when option.HelpName is { } value => $"[{option.Name} {value}]",
            _ => $"[{option.Name}]",
        }));
        var rows = options.SelectMany(option =>
        {
            var name = option is HelpOption ? "-h, --help" : option.HelpName is { } value ? $"{option.Name} {value}" : option.Name;
            var description = option switch
            {
                HelpOption => "print this help",
                VersionOption => "print the version",
                _ => option.Description ?? "",
            };
            return description.Split('\n').Select((text, i) => $"  {(i == 0 ? name : ""),-22}{text}");
        });
        return $"""
            Usage: cachetsync {line}

            Probes every configured server, maps the results through the thresholds, and sets the
            matching Cachet component statuses (only those that changed). Without --once it keeps
            running and runs a cycle at each occurrence of Schedule.Cron.

            Options:
            {string.Join('\n', rows)}

            Environment variables override the file: CACHETSYNC_Cachet__ApiToken=...
            Exit codes: 0 cycle applied, 1 invalid configuration or arguments, 2 the cycle left something undone
            (Cachet not read or a write failed, a server not judged or its component not found, the guard held,
            the state not saved; docs/output.md lists them).
            """;
    }

    private static bool Given<TOption>(ParseResult result)
        where TOption : Option =>
        Root.Options.OfType<TOption>().Any(option => result.GetResult(option) is { Implicit: false });
}
