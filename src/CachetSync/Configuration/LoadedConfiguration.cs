namespace CachetSync.Configuration;

/// <summary>The configuration tree and where it came from, for messages that say what was (not) read.</summary>
/// <param name="FileRead">The file the tree was read from; null when the default file does not exist.</param>
/// <param name="FileLookedFor">The file named by --config, or the default one looked for.</param>
/// <param name="SkippedVariables">Variables with the prefix that are not configuration paths (e.g. Kubernetes service links).</param>
public sealed record LoadedConfiguration(ConfigTree Tree, string? FileRead, string FileLookedFor, IReadOnlyList<string> SkippedVariables);
