namespace CachetSync.Reports;

/// <summary>
/// One server's user timeout reports in the window and, when the source gives it, the audience (sessions, viewers,
/// requests) they came from. Below <see cref="MinAudience"/> an audience is too small to make a rate of.
/// </summary>
public readonly record struct ServerReports(int Count, long? Audience, long MinAudience)
{
    /// <summary>The audience is known and large enough that reports per 1 000 of it mean something.</summary>
    public bool HasRate => Audience is { } audience && audience >= MinAudience;
}
