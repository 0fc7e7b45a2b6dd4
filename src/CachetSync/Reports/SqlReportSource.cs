using System.Data.Common;
using CachetSync.Configuration;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace CachetSync.Reports;

/// <summary>
/// Runs the configured query with <c>@since</c> and <c>@until</c> and reads (server, count) rows, through the
/// database's own ADO.NET provider. The connection string never reaches a message: errors are said without it,
/// and a password that a provider echoes is blotted out.
/// </summary>
/// <remarks>
/// The query only ever reads: it runs in a read-only transaction that is rolled back (PostgreSQL, MySQL) or on a
/// read-only connection (SQLite), so a <c>DELETE … RETURNING</c> fails instead of deleting — dry run or not. The
/// session's time zone is UTC: <c>@since</c>/<c>@until</c> are UTC, and so a <c>timestamp without time zone</c>
/// (PostgreSQL) or <c>DATETIME</c> (MySQL) column is read as UTC, and a MySQL <c>TIMESTAMP</c> compares rightly.
/// </remarks>
public sealed class SqlReportSource(SqlReportSettings sql, TimeSpan timeout) : IReportSource
{
    public string Description => $"SQL {sql.Provider} ({Where()})";

    public async Task<ReportCounts> ReadAsync(ReportWindow window, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(timeout);
        try
        {
            await using var connection = Connect();
            await connection.OpenAsync(budget.Token);
            await using var transaction = await BeginReadOnlyAsync(connection, budget.Token);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql.Query;
            command.CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds);
            AddParameter(command, "@since", window.Since.UtcDateTime);
            AddParameter(command, "@until", window.Until.UtcDateTime);
            await using var reader = await command.ExecuteReaderAsync(budget.Token);
            if (reader.FieldCount < 2)
            {
                throw new ReportSourceException($"the query returns {reader.FieldCount} column(s); it must return (server, count) or (server, count, audience)");
            }

            var counts = new ReportCountsBuilder();
            while (await reader.ReadAsync(budget.Token))
            {
                ReadRow(reader, counts);
            }

            return counts.Build();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReportSourceException($"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            throw new ReportSourceException($"failed: {Redact(ex.Message)}");
        }
    }

    /// <summary>(server, count) or (server, count, audience): a NULL audience is an unknown one.</summary>
    private static void ReadRow(DbDataReader reader, ReportCountsBuilder counts)
    {
        if (reader.IsDBNull(0))
        {
            return;
        }

        var key = Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        if (WholeNumber(reader, 1) is not { } count)
        {
            counts.Reject(key, reader.IsDBNull(1) ? "the count is NULL" : $"the count column holds {Described(reader.GetValue(1))}, not a whole number");
            return;
        }

        if (reader.FieldCount < 3)
        {
            counts.Add(key, count);
        }
        else if (reader.IsDBNull(2))
        {
            counts.Add(key, count, audience: null);
        }
        else if (WholeNumber(reader, 2) is { } audience)
        {
            counts.Add(key, count, audience);
        }
        else
        {
            counts.Reject(key, $"the audience column holds {Described(reader.GetValue(2))}, not a whole number");
        }
    }

    /// <summary>The column's whole number, whichever integer type the database gave it; null for NULL or anything else.</summary>
    private static long? WholeNumber(DbDataReader reader, int column) => (reader.IsDBNull(column) ? null : reader.GetValue(column)) switch
    {
        long or int or short or byte or sbyte or uint or ushort => Convert.ToInt64(reader.GetValue(column), System.Globalization.CultureInfo.InvariantCulture),
        ulong big => (long)Math.Min(big, long.MaxValue),
        decimal number when number == decimal.Truncate(number) => (long)Math.Clamp(number, long.MinValue, long.MaxValue),
        _ => null,
    };

    private static string Described(object value) => $"{value.GetType().Name} \"{Clipped.After(value.ToString() ?? "", 30)}\"";

    /// <summary>Starts the transaction the query runs in: read only, UTC. Disposing it unread rolls it back.</summary>
    private async Task<DbTransaction?> BeginReadOnlyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        switch (sql.Provider)
        {
            case SqlProvider.PostgreSql:
                var postgres = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, postgres, "SET TRANSACTION READ ONLY; SET LOCAL TIME ZONE 'UTC'", cancellationToken);
                return postgres;
            case SqlProvider.MySql:
                // Session-wide as well: a statement that commits implicitly (DDL) starts its new transaction read-only too.
                await ExecuteAsync(connection, null, "SET SESSION TRANSACTION READ ONLY; SET time_zone = '+00:00'", cancellationToken);
                return await ((MySqlConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, isReadOnly: true, cancellationToken);
            default:
                return null; // SQLite: the connection itself is read-only (Mode=ReadOnly).
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string statement, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = statement;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DbConnection Connect() => sql.Provider switch
    {
        SqlProvider.Sqlite => new SqliteConnection(
            new SqliteConnectionStringBuilder(sql.ConnectionString.Reveal()) { Mode = SqliteOpenMode.ReadOnly }.ConnectionString),
        SqlProvider.PostgreSql => new NpgsqlConnection(sql.ConnectionString.Reveal()),
        SqlProvider.MySql => new MySqlConnection(sql.ConnectionString.Reveal()),
        _ => throw new ArgumentOutOfRangeException(nameof(sql), sql.Provider, "unknown provider"),
    };

    private static void AddParameter(DbCommand command, string name, DateTime value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Host and database for log lines: enough to know which database, nothing that opens it.</summary>
    private string Where()
    {
        var parts = Parse(sql.ConnectionString.Reveal());
        var place = new[] { "Host", "Server", "Data Source", "DataSource", "Filename" }
            .Select(key => parts.TryGetValue(key, out var value) ? value?.ToString() : null)
            .FirstOrDefault(value => !string.IsNullOrEmpty(value));
        var database = parts.TryGetValue("Database", out var name) ? $", database {name}" : "";
        return $"{place ?? "default host"}{database}";
    }

    private string Redact(string message)
    {
        foreach (var password in SqlReportSettings.Passwords(sql.ConnectionString.Reveal()))
        {
            message = message.Replace(password, "***", StringComparison.Ordinal);
        }

        return message.Replace(sql.ConnectionString.Reveal(), "(connection string)", StringComparison.Ordinal);
    }

    private static DbConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return new DbConnectionStringBuilder();
        }
    }
}
