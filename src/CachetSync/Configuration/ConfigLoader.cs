using System.Text.Json;

namespace CachetSync.Configuration;

/// <summary>
/// Builds the configuration: the JSON file (<c>--config FILE</c>, else an optional <c>appsettings.json</c> in the
/// working directory), then environment variables with the prefix, which win (<c>CACHETSYNC_Cachet__ApiToken</c>).
/// Comments and trailing commas are allowed in the file, as .NET's own JSON configuration allows them.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "CACHETSYNC_";
    public const string DefaultFile = "appsettings.json";

    /// <summary>A configuration file larger than this is not a configuration (e.g. <c>--config /dev/zero</c>).</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>A file that does not answer within this (a FIFO nobody writes to) is given up on.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <exception cref="ConfigFileException">The file is missing (when named), unreadable or not valid JSON.</exception>
    public static LoadedConfiguration Load(string? configFile, string environmentPrefix)
    {
        var name = configFile ?? DefaultFile;
        var path = Path.GetFullPath(name);
        var found = configFile is not null || File.Exists(path);
        ConfigTree tree;
        try
        {
            tree = found ? ConfigTree.Parse(BoundedFile.ReadAllBytes(path, MaxFileBytes, ReadTimeout)) : new ConfigTree();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigFileException($"{name}: file not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TimeoutException)
        {
            throw new ConfigFileException($"{name}: cannot be read ({ex.Message})");
        }
        catch (JsonException ex)
        {
            throw new ConfigFileException($"{name}: not valid JSON: {Describe(ex)}");
        }
        catch (FormatException ex)
        {
            throw new ConfigFileException($"{name}: {ex.Message}");
        }

        var skipped = tree.OverlayEnvironment(environmentPrefix, Environment.GetEnvironmentVariables(), SettingsReader.TopLevelKeys);
        return new LoadedConfiguration(tree, found ? path : null, path, skipped);
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
