namespace CachetSync.Reports;

/// <summary>The report source could not be read or did not answer a count map; the message says why.</summary>
public sealed class ReportSourceException(string message, Exception? inner = null) : Exception(message, inner);
