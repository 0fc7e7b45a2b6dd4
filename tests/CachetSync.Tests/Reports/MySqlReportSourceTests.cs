using System.Data.Common;
using CachetSync.Reports;
using MySqlConnector;

namespace CachetSync.Tests.Reports;

/// <summary>The SQL contract on a real MariaDB (MySQL protocol) server (bash .ci/start-databases starts one on 127.0.0.1).</summary>
public sealed class MySqlReportSourceTests : SqlReportSourceContract
{
    public const string Variable = "TEST_CACHETSYNC_MYSQL";

    protected override SqlProvider Provider => SqlProvider.MySql;

    protected override string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? "Server=127.0.0.1;Port=1";

    protected override DbConnection Open() => new MySqlConnection(ConnectionString);

    protected override string CreateTable => $"CREATE TABLE {Table} (server VARCHAR(200) NOT NULL, reported_at DATETIME NOT NULL)";

    [DatabaseFact(Variable)]
    public Task Counts_exactly_the_reports_inside_the_window() => Default_query_counts_exactly_the_reports_inside_the_window();

    [DatabaseFact(Variable)]
    public Task Unusable_counts_reject_their_server() => Unusable_counts_reject_only_their_server();

    [DatabaseFact(Variable)]
    public Task Wrong_count_type_rejects_the_server() => Count_column_of_the_wrong_type_rejects_that_server();

    [DatabaseFact(Variable)]
    public Task A_third_column_is_the_audience() => A_third_column_gives_each_servers_audience();

    [DatabaseFact(Variable)]
    public Task Broken_query_fails_clearly() => Broken_query_is_one_clear_error();

    [DatabaseFact(Variable)]
    public Task Deleting_query_deletes_nothing() => Query_that_deletes_fails_and_deletes_nothing();

    [DatabaseFact(Variable)]
    public Task Dropping_query_drops_nothing() => Query_that_drops_the_table_fails_and_drops_nothing();

    [DatabaseFact(Variable)]
    public async Task Timestamp_column_compares_in_utc_whatever_the_server_zone()
    {
        // The test server's default zone is +09:00 (.ci/start-databases): a TIMESTAMP is compared in the session's zone.
        var stamped = $"{Table}_ts";
        await ExecuteAsync($"CREATE TABLE {stamped} (server VARCHAR(200) NOT NULL, reported_at TIMESTAMP NOT NULL)");
        try
        {
            await ExecuteAsync($"SET time_zone = '+00:00'; INSERT INTO {stamped} VALUES ('web-1', {Timestamp(Until - TimeSpan.FromMinutes(10))}), " +
                $"('web-1', {Timestamp(Window.Since + TimeSpan.FromMinutes(5))}), ('web-1', {Timestamp(Until + TimeSpan.FromMinutes(5))}), " +
                $"('web-1', {Timestamp(Window.Since - TimeSpan.FromMinutes(5))})");

            var counts = await Source(DefaultQuery.Replace(Table, stamped, StringComparison.Ordinal)).ReadAsync(Window, CancellationToken.None);

            counts.For("web-1").Should().Be(2, "the two UTC times inside the window count, the two just outside do not");
        }
        finally
        {
            await ExecuteAsync($"DROP TABLE {stamped}");
        }
    }

    [DatabaseFact(Variable)]
    public async Task Wrong_password_is_one_clear_error_without_the_password()
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString) { Password = "not-the-password-4711" };

        var act = () => Source(connectionString: builder.ConnectionString).ReadAsync(Window, CancellationToken.None);

        var message = (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message;
        message.Should().Contain("Access denied").And.NotContain("not-the-password-4711");
    }
}
