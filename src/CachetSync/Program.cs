using System.Reflection;
using System.Runtime.InteropServices;
using CachetSync;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Guard;
using CachetSync.Output;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Scheduling;
using CachetSync.State;
using CachetSync.Sync;
using CachetSync.Telemetry;
using CachetSync.Witness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// cachetsync: command line → configuration (validated before any network call) → one cycle (<c>--once</c>) or
/// a cycle at each cron occurrence → summary on stdout, logs on stderr, exit code.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        return await RunAsync(args, RunEnvironment.Console, stop.Token);
    }

    public static async Task<int> RunAsync(string[] args, RunEnvironment environment, CancellationToken stopping)
    {
        // Everything printed passes one place that masks this run's secrets and escapes control characters.
        var secrets = Redaction.BeginRun();
        environment = environment with
        {
            Out = new SafeTextWriter(environment.Out, secrets), Error = new SafeTextWriter(environment.Error, secrets), Secrets = secrets,
        };
        if (CommandLine.TryComplete(args, environment.Out, out var completed))
        {
            return completed;
        }

        var (commandLine, argumentError, unknown) = CommandLine.Parse(args);
        if (commandLine is null)
        {
            var suggestion = unknown is null ? null : CommandLine.Suggestion(unknown);
            await environment.Error.WriteLineAsync(
                $"cachetsync: {argumentError}{(suggestion is null ? "" : $"; did you mean {suggestion}?")}\n\n{CommandLine.Usage}");
            return CycleSummary.ExitInvalidConfiguration;
        }

        if (commandLine.Help || commandLine.Version)
        {
            await environment.Out.WriteLineAsync(commandLine.Help ? CommandLine.Usage : $"cachetsync {Version}");
            return CycleSummary.ExitApplied;
        }

        // The demo's stand-ins live as long as its one cycle; its configuration is theirs.
        await using var demo = commandLine.Demo ? CachetSync.Demo.DemoRun.Start() : null;
        if (demo is not null)
        {
            commandLine = commandLine with { ConfigFile = demo.ConfigFile, Once = true, DryRun = true };
        }

        var (built, settings, exitCode) = await LoadAndBuildAsync(commandLine, environment);
        if (built is null || settings is null)
        {
            return exitCode;
        }

        using var host = built;
        if (commandLine.ListComponents)
        {
            return await ComponentListing.RunAsync(host.Services.GetRequiredService<CachetVersion>(), commandLine.Output, environment, stopping);
        }

        if (commandLine.Witness)
        {
            return await RunWitnessAsync(host, settings, environment, stopping);
        }

        if (settings.Cachet.SendsTokenInClear)
        {
            host.Services.GetRequiredService<ILogger<CachetSyncSettings>>().LogWarning(
                "Cachet.BaseUrl {BaseUrl} is plain http: the API token travels unencrypted. Use https",
                settings.Cachet.BaseUrl!.GetLeftPart(UriPartial.Authority));
        }

        if (!commandLine.Once)
        {
            // Worker mode: the host runs CronWorker until stopped, then waits up to ShutdownTimeout for the cycle; the
            // process exits with the code of the cycle the stop cut short (0 when it stopped between cycles).
            var exit = host.Services.GetRequiredService<WorkerExit>();
            try
            {
                await host.RunAsync(stopping);
            }
            catch (Exception ex) when (HealthEndpoint.ListenFailure(ex) is { } failure)
            {
                await environment.Error.WriteLineAsync(
                    $"cachetsync: cannot listen on {settings.Telemetry.PrometheusListen} (Telemetry.Prometheus.Listen): {failure.Message}");
                return CycleSummary.ExitInvalidConfiguration;
            }

            return exit.Code;
        }

        var export = OnceExport.Start(host.Services);
        var onceExit = await RunOnceAsync(host.Services, settings, commandLine, environment, stopping);
        await export.FlushAsync(settings.ShutdownTimeout);
        if (demo is not null)
        {
            // Beside the table; with --output json, stdout stays one JSON object.
            await (commandLine.Output == OutputFormat.Table ? environment.Out : environment.Error).WriteLineAsync(CachetSync.Demo.DemoRun.Next);
        }

        return onceExit;
    }

    /// <summary>A witness serves until stopped; a listen address it cannot bind is a configuration error.</summary>
    private static async Task<int> RunWitnessAsync(IHost host, CachetSyncSettings settings, RunEnvironment environment, CancellationToken stopping)
    {
        try
        {
            await host.RunAsync(stopping);
            return CycleSummary.ExitApplied;
        }
        catch (Exception ex) when (HealthEndpoint.ListenFailure(ex) is { } failure)
        {
            await environment.Error.WriteLineAsync($"cachetsync: cannot listen on {settings.Witness.Listen} (Witness.Listen): {failure.Message}");
            return CycleSummary.ExitInvalidConfiguration;
        }
    }

    /// <summary>
    /// Reads and validates the configuration, and builds the host from it. Its own method so the configuration tree
    /// (at 10 000 servers, megabytes of dictionaries and strings) is garbage once the settings are read, instead of
    /// living in the run's state machine until the process ends.
    /// </summary>
    private static async Task<(IHost? Host, CachetSyncSettings? Settings, int ExitCode)> LoadAndBuildAsync(CommandLine commandLine, RunEnvironment environment)
    {
        LoadedConfiguration configuration;
        try
        {
            configuration = ConfigLoader.Load(commandLine.ConfigFile, environment.EnvironmentPrefix);
        }
        catch (ConfigFileException ex)
        {
            await environment.Error.WriteLineAsync($"cachetsync: invalid configuration: {ex.Message}");
            return (null, null, CycleSummary.ExitInvalidConfiguration);
        }

        // Validate everything before any network call: a half-valid configuration never touches Cachet.
        // Listing components only reads, so like a dry run it needs no token.
        var (settings, problems) = SettingsReader.Read(
            configuration.Tree, commandLine.DryRun || commandLine.ListComponents, commandLine.Once, requireServers: !commandLine.ListComponents,
            witness: commandLine.Witness);
        // The OTEL_* variables configure CachetSync too: their problems are named in the same list, in the same run.
        var allProblems = problems.Concat((environment.Otlp ?? OtlpVariables.None).Problems()).ToList();
        if (settings is null || allProblems.Count > 0)
        {
            var noFile = configuration.FileRead is null
                ? $"No configuration file was read: {configuration.FileLookedFor} does not exist. Pass --config FILE, or configure through CACHETSYNC_* variables."
                : null;
            return await InvalidAsync(environment.Error, allProblems, noFile);
        }

        var (sharded, shardProblems) = ShardSelection.Apply(settings, commandLine.Shard, environment.JobCompletionIndex);
        if (sharded is null)
        {
            return await InvalidAsync(environment.Error, shardProblems);
        }

        settings = sharded;
        if (commandLine.ListComponents && settings.Cachet.BaseUrl is null)
        {
            await environment.Error.WriteLineAsync("cachetsync: --list-components needs Cachet.BaseUrl");
            return (null, null, CycleSummary.ExitInvalidConfiguration);
        }

        var host = BuildHost(settings, configuration.Tree, environment, commandLine);
        var logger = host.Services.GetRequiredService<ILogger<CachetSyncSettings>>();
        foreach (var name in configuration.SkippedVariables)
        {
            logger.LogDebug("Environment variable {Name} is not a configuration path (Section__Key); ignored", name);
        }

        return (host, settings, CycleSummary.ExitApplied);
    }

    private static async Task<(IHost?, CachetSyncSettings?, int)> InvalidAsync(TextWriter error, IReadOnlyCollection<object> problems, string? hint = null)
    {
        await error.WriteLineAsync($"cachetsync: invalid configuration ({CachetSync.Output.Counted.Of(problems.Count, "problem")}):\n  {string.Join("\n  ", problems)}");
        if (hint is not null)
        {
            await error.WriteLineAsync(hint);
        }

        return (null, null, CycleSummary.ExitInvalidConfiguration);
    }

    private static async Task<int> RunOnceAsync(
        IServiceProvider services, CachetSyncSettings settings, CommandLine commandLine, RunEnvironment environment, CancellationToken stopping)
    {
        // A stop request gets ShutdownTimeout to wind the cycle down and print what it did; then we give up on it.
        using var giveUp = new CancellationTokenSource();
        await using var onStop = stopping.Register(() => giveUp.CancelAfter(settings.ShutdownTimeout));
        try
        {
            return (await RunCycleAsync(services, commandLine, environment.Out, worker: false, stopping).WaitAsync(giveUp.Token)).ExitCode;
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            await environment.Error.WriteLineAsync(
                $"cachetsync: stopping took longer than ShutdownTimeout ({settings.ShutdownTimeout.TotalSeconds:0.#} s); exiting with the cycle unfinished");
            return CycleSummary.ExitCachetFailed;
        }
    }

    /// <summary>One cycle, its summary printed, and — unless it is a dry run — the heartbeat told how it went.</summary>
    private static async Task<CycleSummary> RunCycleAsync(
        IServiceProvider services, CommandLine commandLine, TextWriter output, bool worker, CancellationToken stopping, TimeSpan? untilNext = null)
    {
        var heartbeat = commandLine.DryRun || !services.GetRequiredService<CachetSyncSettings>().Heartbeat.Enabled ? null : services.GetRequiredService<Heartbeat>();
        var started = heartbeat?.StartAsync(stopping) ?? Task.CompletedTask;
        var summary = await services.GetRequiredService<SyncCycle>().RunAsync(commandLine.DryRun, stopping, untilNext) with { Worker = worker };
        Action<TextWriter, CycleSummary> write = commandLine.Output == OutputFormat.Json ? SummaryJson.Write : SummaryTable.Write;
        write(output, summary);

        await output.FlushAsync(CancellationToken.None);
        await started;
        if (heartbeat is not null)
        {
            // Not the stop's token: a cycle cut short is worth a "fail" ping, and the ping has its own timeout.
            await heartbeat.FinishAsync(summary, CancellationToken.None);
        }

        return summary;
    }

    internal static IHost BuildHost(CachetSyncSettings settings, ConfigTree configuration, RunEnvironment environment, CommandLine commandLine)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // Only the OTEL_* variables: OpenTelemetry reads its exporter settings from the host's configuration.
        var otlp = environment.Otlp ?? OtlpVariables.None;
        builder.Configuration.AddInMemoryCollection(otlp.Values.Select(entry => new KeyValuePair<string, string?>(entry.Key, entry.Value)));
        ConsoleLogging.Configure(builder.Logging, configuration, environment);
        builder.Services
            .Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout)
            .AddSingleton(settings)
            .AddSingleton(environment.Time ?? TimeProvider.System)
            .AddTelemetry(settings, otlp, worker: !commandLine.Once && !commandLine.Witness, Version, witness: commandLine.Witness)
            .AddProbing(settings.Probe)
            .AddReports(settings.Reports)
            .AddCachet(settings.Cachet)
            .AddSync(settings);

        if (commandLine.Witness)
        {
            builder.Services.AddHostedService(provider => new WitnessServer(
                settings, provider.GetRequiredService<ServerProber>(), provider.GetRequiredService<CycleTelemetry>(), provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<WitnessServer>>()));
        }
        else if (!commandLine.Once)
        {
            var exit = new WorkerExit();
            builder.Services.AddSingleton(exit);
            builder.Services.AddHostedService(provider => new CronWorker(
                settings.Schedule,
                async (untilNext, stopping) =>
                {
                    var summary = await RunCycleAsync(provider, commandLine, environment.Out, worker: true, stopping, untilNext);
                    provider.GetService<WorkerHealth>()?.CycleFinished();
                    if (summary.Stopped)
                    {
                        exit.Code = summary.ExitCode;
                    }
                },
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<CronWorker>>()));
        }

        var host = builder.Build();
        host.Services.GetService<OtlpExportObserver>()?.Attach(host.Services.GetRequiredService<ILogger<OtlpExportObserver>>());
        return host;
    }

    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}
