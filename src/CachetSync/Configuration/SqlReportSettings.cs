using CachetSync.Reports;

namespace CachetSync.Configuration;

/// <summary>Section <c>Reports.Sql</c>: a query that returns (server, count) rows for the window.</summary>
public sealed record SqlReportSettings(SqlProvider Provider, Secret ConnectionString, string Query)
{
    public static readonly string[] Keys = ["Provider", "ConnectionString", "Query"];

    /// <summary>Counts rows of <c>timeout_reports(server, reported_at)</c> made within the window.</summary>
    public const string DefaultQuery =
        "SELECT server, COUNT(*) FROM timeout_reports WHERE reported_at >= @since AND reported_at < @until GROUP BY server";

    /// <returns>Null without a valid Provider and ConnectionString (a missing one is named by <see cref="RunRequirements"/>).</returns>
    public static SqlReportSettings? Read(ConfigNode node)
    {
        node.RejectUnknownKeys(Keys);
        var provider = node.Enum<SqlProvider>("Provider");
        var connectionString = node.Secret("ConnectionString");
        if (connectionString is not null)
        {
            RegisterPassword(connectionString.Reveal());
        }

        var query = node.String("Query") ?? DefaultQuery;
        if (!query.Contains("@since", StringComparison.OrdinalIgnoreCase))
        {
            node.Problem("Query", "must use @since, so only reports of the window are counted");
        }

        // A second statement could end the read-only transaction the query runs in ("COMMIT; DELETE …").
        if (SqlStatements.HasMoreThanOne(query))
        {
            node.Problem("Query", "must be one statement (a ';' separates a second one): the report source only reads");
        }

        return provider is { } value && connectionString is not null
            ? new SqlReportSettings(value, connectionString, query)
            : null;
    }

    /// <summary>The password alone may appear in a provider's message without the rest of the connection string.</summary>
    private static void RegisterPassword(string connectionString)
    {
        foreach (var password in Passwords(connectionString))
        {
            Output.Redaction.RegisterWithEncodings(password);
        }
    }

    /// <summary>The password(s) a connection string holds (Password=, Pwd=); none when it is not key=value pairs.</summary>
    public static IEnumerable<string> Passwords(string connectionString)
    {
        System.Data.Common.DbConnectionStringBuilder parts;
        try
        {
            parts = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // The provider will say so when it connects; the whole string is a Secret already.
            yield break;
        }

        foreach (var key in new[] { "Password", "Pwd" })
        {
            if (parts.TryGetValue(key, out var password) && password?.ToString() is { Length: > 0 } text)
            {
                yield return text;
            }
        }
    }
}
