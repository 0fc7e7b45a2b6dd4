using System.Data.Common;
using CachetSync.Reports;
using Microsoft.Data.Sqlite;

namespace CachetSync.Tests.Reports;

/// <summary>The SQL contract on a real SQLite file. Times are stored as SQLite's own UTC text, "YYYY-MM-DD HH:MM:SS".</summary>
public sealed class SqliteReportSourceTests : SqlReportSourceContract
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"cachetsync-reports-{Guid.NewGuid():N}.db");

    protected override SqlProvider Provider => SqlProvider.Sqlite;

    protected override string ConnectionString => $"Data Source={_file};Pooling=False";

    protected override DbConnection Open() => new SqliteConnection(ConnectionString);

    protected override string CreateTable => $"CREATE TABLE {Table} (server TEXT NOT NULL, reported_at TEXT NOT NULL)";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_file);
    }

    [Fact]
    public Task Counts_exactly_the_reports_inside_the_window() => Default_query_counts_exactly_the_reports_inside_the_window();

    [Fact]
    public Task Unusable_counts_reject_their_server() => Unusable_counts_reject_only_their_server();

    [Fact]
    public Task Wrong_count_type_rejects_the_server() => Count_column_of_the_wrong_type_rejects_that_server();

    [Fact]
    public Task A_third_column_is_the_audience() => A_third_column_gives_each_servers_audience();

    [Fact]
    public Task Broken_query_fails_clearly() => Broken_query_is_one_clear_error();

    [Fact]
    public Task Deleting_query_deletes_nothing() => Query_that_deletes_fails_and_deletes_nothing();

    [Fact]
    public Task Dropping_query_drops_nothing() => Query_that_drops_the_table_fails_and_drops_nothing();

    [Fact]
    public async Task Missing_database_file_is_one_clear_error()
    {
        var act = () => Source(connectionString: "Data Source=/nonexistent/dir/reports.db;Mode=ReadOnly").ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().StartWith("failed: ").And.Contain("unable to open");
    }

    [Fact]
    public void Description_names_the_file_but_not_the_password()
    {
        var source = Source(connectionString: $"Data Source={_file};Password=hunter2-secret");

        source.Description.Should().Be($"SQL Sqlite ({_file})").And.NotContain("hunter2");
    }
}
