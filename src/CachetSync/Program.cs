using System.Reflection;
using System.Runtime.InteropServices;
using CachetSync;
using CachetSync.Cachet;
using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Reports;
using CachetSync.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

/// <summary>cachetsync: command line → configuration → one cycle (probe, reports, thresholds, Cachet) → summary.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        return await RunAsync(args, RunEnvironment.Console, stop.Token);
    }

    public static async Task<int> RunAsync(string[] args, RunEnvironment environment, CancellationToken cancellationToken)
    {
        var (commandLine, argumentError) = CommandLine.Parse(args);
        if (commandLine is null)
        {
            await environment.Error.WriteLineAsync($"cachetsync: {argumentError}\n\n{CommandLine.Usage}");
            return CycleSummary.ExitInvalidConfiguration;
        }

        if (commandLine.Help || commandLine.Version)
        {
            await environment.Out.WriteLineAsync(commandLine.Help ? CommandLine.Usage : $"cachetsync {Version}");
            return CycleSummary.ExitApplied;
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = ConfigLoader.Load(commandLine.ConfigFile, environment.EnvironmentPrefix);
        }
        catch (ConfigFileException ex)
        {
            await environment.Error.WriteLineAsync($"cachetsync: invalid configuration: {ex.Message}");
            return CycleSummary.ExitInvalidConfiguration;
        }

        // Validate everything before any network call: a half-valid configuration never touches Cachet.
        var (settings, problems) = SettingsReader.Read(configuration, commandLine.DryRun);
        if (settings is null)
        {
            await environment.Error.WriteLineAsync($"cachetsync: invalid configuration ({problems.Count} problems):");
            foreach (var problem in problems)
            {
                await environment.Error.WriteLineAsync($"  {problem}");
            }

            return CycleSummary.ExitInvalidConfiguration;
        }

        using var host = BuildHost(settings, configuration, environment);
        var cycle = host.Services.GetRequiredService<SyncCycle>();
        try
        {
            var summary = await cycle.RunAsync(commandLine.DryRun, cancellationToken);
            SummaryTable.Write(environment.Out, summary);
            return summary.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await environment.Error.WriteLineAsync("cachetsync: stopped before the cycle finished");
            return CycleSummary.ExitCachetFailed;
        }
    }

    private static IHost BuildHost(CachetSyncSettings settings, IConfiguration configuration, RunEnvironment environment)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        ConfigureLogging(builder.Logging, configuration, environment);
        builder.Services
            .AddSingleton(settings)
            .AddSingleton(TimeProvider.System)
            .AddProbing(settings.Probe)
            .AddReports(settings.Reports)
            .AddCachet(settings.Cachet)
            // Report source and Cachet are optional: Source None, and a dry run with no Cachet configured.
            .AddSingleton(provider => new SyncCycle(
                settings,
                provider.GetRequiredService<ServerProber>(),
                provider.GetService<IReportSource>(),
                provider.GetService<CachetClient>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<SyncCycle>>()));
        return builder.Build();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, RunEnvironment environment)
    {
        // Quiet defaults for the libraries: a per-request line at thousands of servers drowns what matters.
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        // Polly logs every retried attempt as a warning with a stack trace; CachetSync's own lines already say what failed.
        logging.AddFilter("Polly", LogLevel.Error);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        if (environment.ConfigureLogging is { } configure)
        {
            configure(logging);
            return;
        }

        // Logs go to stderr so stdout carries only the summary.
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}
