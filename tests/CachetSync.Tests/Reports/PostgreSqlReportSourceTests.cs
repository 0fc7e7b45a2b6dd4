using System.Data.Common;
using CachetSync.Reports;
using Npgsql;

namespace CachetSync.Tests.Reports;

/// <summary>The SQL contract on a real PostgreSQL server (bash .ci/start-databases starts one on 127.0.0.1).</summary>
public sealed class PostgreSqlReportSourceTests : SqlReportSourceContract
{
    public const string Variable = "TEST_CACHETSYNC_POSTGRES";

    protected override SqlProvider Provider => SqlProvider.PostgreSql;

    protected override string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? "Host=127.0.0.1;Port=1";

    protected override DbConnection Open() => new NpgsqlConnection(ConnectionString);

    protected override string CreateTable => $"CREATE TABLE {Table} (server text NOT NULL, reported_at timestamptz NOT NULL)";

    /// <summary>With its zone: the test server runs in Asia/Tokyo, where a bare literal would mean Tokyo time.</summary>
    protected override string Timestamp(DateTimeOffset moment) => $"{base.Timestamp(moment)[..^1]}+00'::timestamptz";

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
    public async Task Timestamp_without_time_zone_is_read_as_utc_whatever_the_session_zone()
    {
        // The test server runs in Asia/Tokyo (.ci/start-databases); this session is told New York on top.
        var naive = $"{Table}_naive";
        await ExecuteAsync($"CREATE TABLE {naive} (server text NOT NULL, reported_at timestamp without time zone NOT NULL)");
        try
        {
            await ExecuteAsync($"INSERT INTO {naive} VALUES ('web-1', {base.Timestamp(Until - TimeSpan.FromMinutes(10))}), " +
                $"('web-1', {base.Timestamp(Window.Since + TimeSpan.FromMinutes(5))}), ('web-1', {base.Timestamp(Until + TimeSpan.FromMinutes(5))}), " +
                $"('web-1', {base.Timestamp(Window.Since - TimeSpan.FromMinutes(5))})");
            var inNewYork = new NpgsqlConnectionStringBuilder(ConnectionString) { Timezone = "America/New_York" }.ConnectionString;

            var counts = await Source(DefaultQuery.Replace(Table, naive, StringComparison.Ordinal), inNewYork).ReadAsync(Window, CancellationToken.None);

            counts.For("web-1").Should().Be(2, "the two UTC times inside the window count, the two just outside do not");
        }
        finally
        {
            await ExecuteAsync($"DROP TABLE {naive}");
        }
    }

    [DatabaseFact(Variable)]
    public async Task Wrong_password_is_one_clear_error_without_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = "not-the-password-4711" };

        var act = () => Source(connectionString: builder.ConnectionString).ReadAsync(Window, CancellationToken.None);

        var message = (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message;
        message.Should().Contain("password authentication failed").And.NotContain("not-the-password-4711");
    }

    [DatabaseFact(Variable)]
    public async Task Unreachable_server_is_one_clear_error()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Port = Support.Loopback.RefusedPort };

        var act = () => Source(connectionString: builder.ConnectionString).ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message.Should().StartWith("failed: ");
    }

    [DatabaseFact(Variable)]
    public async Task Slow_query_is_bounded_by_the_timeout()
    {
        var act = () => Source("SELECT 'web-1', 1 FROM pg_sleep(30) WHERE now() > @since", timeout: TimeSpan.FromMilliseconds(500))
            .ReadAsync(Window, CancellationToken.None);

        (await act.Should().ThrowAsync<ReportSourceException>()).WithMessage("no answer within 0.5 s");
    }
}
