namespace CachetSync.Configuration;

/// <summary>Where user timeout-report counts come from.</summary>
public enum ReportSourceKind
{
    None,
    Http,
    File,
    Sql,
    Prometheus,
}
