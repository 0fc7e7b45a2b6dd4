using CachetSync.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace CachetSync.Output;

/// <summary>Logging for the process: quiet library defaults, the configuration's Logging section, the console on stderr.</summary>
public static class ConsoleLogging
{
    public static void Configure(ILoggingBuilder logging, ConfigTree configuration, RunEnvironment environment)
    {
        // Quiet defaults for the libraries: a per-request line at thousands of servers drowns what matters.
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        // Polly logs every retried attempt as a warning, and the last as an error, each with a 2.5 kB stack trace that
        // repeats what CachetSync's own line already says clearly. Off unless asked for: Logging:LogLevel:Polly = Debug.
        logging.AddFilter("Polly", LogLevel.None);
        var loggingSection = configuration.Child("Logging")?.Flatten("Logging") ?? [];
        logging.AddConfiguration(new ConfigurationBuilder().AddInMemoryCollection(loggingSection).Build().GetSection("Logging"));
        if (environment.ConfigureLogging is { } configure)
        {
            configure(logging);
        }
        else
        {
            AddConsole(logging);
        }

        CleanEveryProvider(logging.Services, environment.Secrets);
    }

    /// <summary>Every log entry, whichever provider writes it, passes <see cref="SafeLoggerProvider"/> first.</summary>
    private static void CleanEveryProvider(IServiceCollection services, Redaction secrets)
    {
        foreach (var provider in services.Where(descriptor => descriptor.ServiceType == typeof(ILoggerProvider)).ToList())
        {
            services.Remove(provider);
            services.AddSingleton<ILoggerProvider>(scope => new SafeLoggerProvider(Create(scope, provider), secrets));
        }

        // Filter rules name a provider ("Logging:Console:LogLevel"); the factory now sees the wrapper, so the rules are
        // re-addressed to it. There is one real provider per process (the console, or a test's capture).
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            for (var i = 0; i < options.Rules.Count; i++)
            {
                if (options.Rules[i] is { ProviderName: not null } rule)
                {
                    options.Rules[i] = new LoggerFilterRule(typeof(SafeLoggerProvider).FullName, rule.CategoryName, rule.LogLevel, rule.Filter);
                }
            }
        });
    }

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor provider) =>
        (ILoggerProvider)(provider.ImplementationInstance
            ?? provider.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, provider.ImplementationType!));

    private static void AddConsole(ILoggingBuilder logging)
    {
        // Logs go to stderr so stdout carries only the summary. Logging:Console:FormatterName=json switches to JSON lines.
        logging.AddConsole();
        logging.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(options =>
        {
            options.LogToStandardErrorThreshold = LogLevel.Trace;
            // Without a formatter name the console logger falls back to its old options and ignores the ones above.
            options.FormatterName ??= ConsoleFormatterNames.Simple;
        });
    }
}
