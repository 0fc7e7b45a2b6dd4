namespace CachetSync.Configuration;

/// <summary>How the cycle summary is printed on stdout.</summary>
public enum OutputFormat
{
    Table,
    Json,
}
