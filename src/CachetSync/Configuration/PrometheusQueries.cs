using System.Text.RegularExpressions;

namespace CachetSync.Configuration;

/// <summary>
/// <c>Reports.Query</c>, <c>Reports.AudienceQuery</c> and <c>Reports.KeyLabel</c> for Source Prometheus: instant
/// queries whose series carry the label that names each server; <c>{window}</c> becomes the window (<c>2h</c>).
/// </summary>
public sealed partial record PrometheusQueries(string Query, string? AudienceQuery, string KeyLabel)
{
    public const string DefaultKeyLabel = "server";

    /// <returns>Null without a Query (its absence is named by <see cref="RunRequirements"/>).</returns>
    public static PrometheusQueries? Read(ConfigNode node)
    {
        var query = node.String("Query");
        var audienceQuery = node.String("AudienceQuery");
        var keyLabel = node.String("KeyLabel") ?? DefaultKeyLabel;
        if (!LabelName().IsMatch(keyLabel))
        {
            node.Problem("KeyLabel", $"\"{keyLabel}\" is not a Prometheus label name (letters, digits and _, not first a digit)");
        }

        return query is null ? null : new PrometheusQueries(query, audienceQuery, keyLabel);
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
