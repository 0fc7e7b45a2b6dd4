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
                throw new ReportSourceException($"the query returns {reader.FieldCount} column(s); it must return (server, count)");
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

    private static void ReadRow(DbDataReader reader, ReportCountsBuilder counts)
    {
        if (reader.IsDBNull(0))
        {
            return;
        }

        var key = Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var value = reader.IsDBNull(1) ? null : reader.GetValue(1);
        switch (value)
        {
            case long or int or short or byte or sbyte or uint or ushort:
                counts.Add(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong big:
                counts.Add(key, (long)Math.Min(big, long.MaxValue));
                break;
            case decimal number when number == decimal.Truncate(number):
                counts.Add(key, (long)number);
                break;
            case null:
                counts.Reject(key, "the count is NULL");
                break;
            default:
                counts.Reject(key, $"the count column holds {value.GetType().Name} \"{Truncate(value.ToString())}\", not a whole number");
                break;
        }
    }

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

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 30 ? text : text[..30] + "…";
}
