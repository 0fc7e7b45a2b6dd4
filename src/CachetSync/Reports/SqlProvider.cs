namespace CachetSync.Reports;

/// <summary>The databases a SQL report source can read, each through its own ADO.NET provider.</summary>
public enum SqlProvider
{
    Sqlite,
    PostgreSql,
    MySql,
}
