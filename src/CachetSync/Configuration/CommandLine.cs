namespace CachetSync.Configuration;

/// <summary>The command line: <c>cachetsync [--config FILE] [--once] [--dry-run] [--output table|json] [--shard i/K]</c>.</summary>
public sealed record CommandLine(
    string? ConfigFile, bool Once, bool DryRun, bool Help, bool Version, OutputFormat Output = OutputFormat.Table, bool ListComponents = false,
    Sync.Shard? Shard = null)
{
    public const string Usage = """
        Usage: cachetsync [--config FILE] [--once] [--dry-run] [--output table|json] [--shard i/K]

        Probes every configured server, maps the results through the thresholds, and sets the
        matching Cachet component statuses (only those that changed). Without --once it keeps
        running and runs a cycle at each occurrence of Schedule.Cron.

        Options:
          --config FILE         configuration file (default: appsettings.json in the working directory)
          --once                run one cycle and exit (container job / Kubernetes CronJob mode)
          --dry-run             do everything except writing to Cachet; print the plan
          --output table|json   the cycle summary on stdout: a table (default) or one JSON object per cycle
          --shard i/K           own only shard i (0 to K-1) of the servers, split K ways by name (default: all;
                                with Shards: K in the configuration, JOB_COMPLETION_INDEX gives i)
          --list-components     print every Cachet component (id, name, group, status) and exit: a help for
                                writing Servers; needs Cachet.BaseUrl, not the token
          --version             print the version
          -h, --help            print this help

        Environment variables override the file: CACHETSYNC_Cachet__ApiToken=...
        Exit codes: 0 cycle applied, 1 invalid configuration or arguments, 2 Cachet read or write failed.
        """;

    /// <returns>The parsed command line, or null and the reason.</returns>
    public static (CommandLine? CommandLine, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? configFile = null;
        bool once = false, dryRun = false, help = false, version = false, list = false;
        var output = OutputFormat.Table;
        Sync.Shard? shard = null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            switch (name)
            {
                case "--config":
                    configFile = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (string.IsNullOrWhiteSpace(configFile))
                    {
                        return (null, "--config needs a file name");
                    }

                    break;
                case "--output":
                    var format = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (!Enum.TryParse(format, ignoreCase: true, out output) || !Enum.IsDefined(output) || int.TryParse(format, out _))
                    {
                        return (null, "--output takes table or json");
                    }

                    break;
                case "--shard":
                    var text = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                    if (!Sync.Shard.TryParse(text, out var parsed))
                    {
                        return (null, $"--shard takes i/K: shard i (from 0) of K (1 to {Sync.Shard.MaxCount}), e.g. --shard 0/4");
                    }

                    shard = parsed;
                    break;
                case "--once" when inlineValue is null:
                    once = true;
                    break;
                case "--dry-run" when inlineValue is null:
                    dryRun = true;
                    break;
                case "--help" or "-h" or "-?" when inlineValue is null:
                    help = true;
                    break;
                case "--list-components" when inlineValue is null:
                    list = true;
                    break;
                case "--version" when inlineValue is null:
                    version = true;
                    break;
                default:
                    return (null, $"unknown argument \"{args[i]}\"");
            }
        }

        return (new CommandLine(configFile, once, dryRun, help, version, output, list, shard), null);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (arg[..equals], arg[(equals + 1)..])
            : (arg, null);
    }
}
