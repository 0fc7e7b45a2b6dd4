using System.Data.Common;
using System.Globalization;
using CachetSync.Configuration;
using CachetSync.Reports;

namespace CachetSync.Tests.Reports;

/// <summary>
/// What every SQL report source must do, run against a real database of each provider: real rows with times inside
/// and outside the window give exact counts; bad data rejects only its server; a broken query or connection is one
/// clear error without the password.
/// </summary>
public abstract class SqlReportSourceContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Until = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    protected static readonly ReportWindow Window = new(Until - TimeSpan.FromHours(2), Until);

    /// <summary>A table of its own per test class, so the providers' tests never see each other's rows.</summary>
    protected string Table { get; } = $"timeout_reports_{Guid.NewGuid():N}"[..28];

    protected abstract SqlProvider Provider { get; }

    protected abstract string ConnectionString { get; }

    protected abstract DbConnection Open();

    /// <summary>DDL for (server text, reported_at timestamp) in this database's dialect.</summary>
    protected abstract string CreateTable { get; }

    /// <summary>The literal for a UTC moment in this database's dialect.</summary>
    protected virtual string Timestamp(DateTimeOffset moment) =>
        $"'{moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}'";

    protected string DefaultQuery => SqlReportSettings.DefaultQuery.Replace("timeout_reports", Table, StringComparison.Ordinal);

    protected SqlReportSource Source(string? query = null, string? connectionString = null, TimeSpan? timeout = null) =>
        new(new SqlReportSettings(Provider, new Secret(connectionString ?? ConnectionString), query ?? DefaultQuery), timeout ?? TimeSpan.FromSeconds(10));

    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async Task InitializeAsync()
    {
        await ExecuteAsync(CreateTable);
        var rows = new List<(string Server, DateTimeOffset At)>();
        rows.AddRange(Enumerable.Range(0, 3).Select(i => ("web-1", Until - TimeSpan.FromMinutes(10 + i))));
        rows.Add(("web-1", Window.Since)); // inclusive
        rows.Add(("web-1", Until)); // exclusive
        rows.Add(("web-1", Window.Since - TimeSpan.FromSeconds(1)));
        rows.AddRange(Enumerable.Range(0, 25).Select(i => ("web-2", Until - TimeSpan.FromMinutes(i + 1))));
        rows.Add(("web-3", Until - TimeSpan.FromHours(5)));
        var values = string.Join(", ", rows.Select(row => $"('{row.Server}', {Timestamp(row.At)})"));
        await ExecuteAsync($"INSERT INTO {Table} (server, reported_at) VALUES {values}");
    }

    public virtual async Task DisposeAsync() => await ExecuteAsync($"DROP TABLE {Table}");

    protected async Task Default_query_counts_exactly_the_reports_inside_the_window()
    {
        var counts = await Source().ReadAsync(Window, CancellationToken.None);

        counts.Counts.Should().BeEquivalentTo(new Dictionary<string, int> { ["web-1"] = 4, ["web-2"] = 25 });
        counts.For("web-3").Should().Be(0, "its only report is outside the window");
        counts.Rejected.Should().BeEmpty();
    }

    protected async Task Unusable_counts_reject_only_their_server()
    {
        var query = $"""
            SELECT 'negative', -2 UNION ALL SELECT 'empty', NULL UNION ALL SELECT 'fine', 7
            UNION ALL SELECT server, COUNT(*) FROM {Table} WHERE reported_at >= @since AND reported_at < @until AND server = 'web-2' GROUP BY server
            """;

        var counts = await Source(query).ReadAsync(Window, CancellationToken.None);

        counts.For("fine").Should().Be(7);
        counts.For("web-2").Should().Be(25);
        counts.Rejected.Keys.Should().BeEquivalentTo("negative", "empty");
        counts.Rejected["empty"].Should().Be("the count is NULL");
    }

    protected async Task Count_column_of_the_wrong_type_rejects_that_server()
    {
        var counts = await Source($"SELECT server, 'many' FROM {Table} WHERE reported_at >= @since GROUP BY server").ReadAsync(Window, CancellationToken.None);

        counts.Counts.Should().BeEmpty();
        counts.Rejected["web-1"].Should().Contain("not a whole number");
    }

    protected async Task A_third_column_gives_each_servers_audience()
    {
        var query = $"""
            SELECT server, COUNT(*), 2400 FROM {Table} WHERE reported_at >= @since AND reported_at < @until AND server = 'web-1' GROUP BY server
            UNION ALL SELECT 'web-1', 1, 100 UNION ALL SELECT 'unknown', 3, NULL
            """;

        var counts = await Source(query).ReadAsync(Window, CancellationToken.None);

        counts.Tally("web-1").Should().Be(new ServerReports(5, 2500, ReportCounts.DefaultMinAudience), "rows of one server add up, audiences too");
        counts.Tally("unknown").Should().Be(new ServerReports(3, null, ReportCounts.DefaultMinAudience), "a NULL audience is an unknown one");
        var wrong = await Source($"SELECT server, COUNT(*), 'lots' FROM {Table} WHERE reported_at >= @since GROUP BY server").ReadAsync(Window, CancellationToken.None);
        wrong.Rejected["web-1"].Should().Be("the audience column holds String \"lots\", not a whole number");
    }

    /// <summary>The rows InitializeAsync inserted, counted on a connection of the test's own.</summary>
    protected async Task<long> RowCountAsync(string? table = null)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table ?? Table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    protected async Task Query_that_deletes_fails_and_deletes_nothing()
    {
        var before = await RowCountAsync();

        var act = () => Source($"DELETE FROM {Table} WHERE reported_at >= @since RETURNING server, 1").ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().MatchRegex("(?i)read.?only");
        before.Should().Be(32);
        (await RowCountAsync()).Should().Be(before, "the source only reads");
    }

    protected async Task Query_that_drops_the_table_fails_and_drops_nothing()
    {
        var act = () => Source($"DROP TABLE {Table}").ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().MatchRegex("(?i)read.?only");
        (await RowCountAsync()).Should().Be(32, "the table is still there");
    }

    protected async Task Broken_query_is_one_clear_error()
    {
        var act = () => Source($"SELEC server FROM {Table} WHERE reported_at >= @since").ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().StartWith("failed: ");
    }
}
