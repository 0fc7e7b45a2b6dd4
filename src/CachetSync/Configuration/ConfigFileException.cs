namespace CachetSync.Configuration;

/// <summary>The configuration file could not be used at all (missing, or not JSON); the message names the file and the spot.</summary>
public sealed class ConfigFileException(string message) : Exception(message);
