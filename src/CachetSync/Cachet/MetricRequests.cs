namespace CachetSync.Cachet;

// Request bodies of the metric calls; one wire shape each, kept together.

/// <summary>POST /metrics: an averaged metric (points merged within Cachet's threshold are averaged, not added up).</summary>
public sealed record NewMetric(string Name, string Suffix, string Description, int DefaultValue, int DisplayChart, int CalcType);

/// <summary>POST /metrics/{id}/points: a value, at a unix time.</summary>
public sealed record NewMetricPoint(double Value, long Timestamp);
