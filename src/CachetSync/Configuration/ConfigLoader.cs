using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace CachetSync.Configuration;

/// <summary>
/// Builds the configuration: the JSON file (<c>--config FILE</c>, else an optional <c>appsettings.json</c> in the
/// working directory), then environment variables with the prefix, which win (<c>CACHETSYNC_Cachet__ApiToken</c>).
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "CACHETSYNC_";
    public const string DefaultFile = "appsettings.json";

    /// <exception cref="ConfigFileException">The file is missing (when named) or not valid JSON.</exception>
    public static IConfigurationRoot Load(string? configFile, string environmentPrefix)
    {
        var path = Path.GetFullPath(configFile ?? DefaultFile);
        if (configFile is not null && !File.Exists(path))
        {
            throw new ConfigFileException($"{configFile}: file not found");
        }

        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(path, optional: configFile is null, reloadOnChange: false)
                .AddEnvironmentVariables(environmentPrefix)
                .Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            var json = Chain(ex).OfType<JsonException>().FirstOrDefault();
            throw new ConfigFileException(json is null
                ? $"{configFile ?? DefaultFile}: {Chain(ex).Last().Message}"
                : $"{configFile ?? DefaultFile}: not valid JSON: {Describe(json)}");
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static string Describe(JsonException json) =>
        json.LineNumber is { } line
            ? $"line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1}: {FirstSentence(json.Message)}"
            : json.Message;

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
