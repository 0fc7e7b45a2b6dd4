using CachetSync.Configuration;

namespace CachetSync.Reports;

/// <summary>Reads report JSON from a file that another job exports, within Reports.Timeout and the size cap.</summary>
public sealed class FileReportSource(ReportSettings settings) : IReportSource
{
    public string Description => $"file {settings.Path}";

    public async Task<ReportCounts> ReadAsync(ReportWindow window, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await BoundedFile.ReadAllBytesAsync(settings.Path!, HttpReportSource.MaxBodyBytes, settings.Timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TimeoutException)
        {
            throw new ReportSourceException($"cannot be read ({ex.Message})", ex);
        }

        return ReportCountsParser.Parse(body, settings.Shape, window);
    }
}
