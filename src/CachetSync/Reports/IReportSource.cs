namespace CachetSync.Reports;

/// <summary>Somewhere user timeout-report counts can be read from: an HTTP endpoint, a file, a database.</summary>
public interface IReportSource
{
    /// <summary>Names the source in log lines without secrets, e.g. "file /data/reports.json".</summary>
    string Description { get; }

    /// <summary>Counts of reports made within <paramref name="window"/>.</summary>
    /// <exception cref="ReportSourceException">The source failed or answered something unreadable.</exception>
    Task<ReportCounts> ReadAsync(ReportWindow window, CancellationToken cancellationToken);
}
