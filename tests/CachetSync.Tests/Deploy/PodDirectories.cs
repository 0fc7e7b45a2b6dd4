using CachetSync.Tests.Configuration;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// What a manifest's pod sees, on this machine: the image's <c>/config</c> holding the example configuration as
/// shipped, and an empty <c>/state</c> volume — both temporary directories, removed after the test.
/// </summary>
public sealed class PodDirectories : IDisposable
{
    public string Config { get; } = Directory.CreateTempSubdirectory("cachetsync-config-").FullName;

    public string Volume { get; } = Directory.CreateTempSubdirectory("cachetsync-state-").FullName;

    public PodDirectories()
    {
        foreach (var file in new[] { "appsettings.example.json", "appsettings.schema.json" })
        {
            File.Copy(Path.Combine(SettingsReaderTests.RepositoryRoot(), file), Path.Combine(Config, file.Replace(".example", "", StringComparison.Ordinal)));
        }
    }

    /// <summary>The manifest's plain environment, with its <c>/state/</c> paths pointing into <see cref="Volume"/>.</summary>
    public Dictionary<string, string> Environment(KubernetesManifest manifest) =>
        manifest.Environment().ToDictionary(pair => pair.Key, pair => pair.Value.Replace("/state/", Volume + "/", StringComparison.Ordinal));

    public void Dispose()
    {
        Directory.Delete(Config, recursive: true);
        Directory.Delete(Volume, recursive: true);
    }
}
