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
    public Task Broken_query_fails_clearly() => Broken_query_is_one_clear_error();

    [DatabaseFact(Variable)]
    public async Task Wrong_password_is_one_clear_error_without_the_password()
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString) { Password = "not-the-password-4711" };

        var act = () => Source(connectionString: builder.ConnectionString).ReadAsync(Window, CancellationToken.None);

        var message = (await act.Should().ThrowAsync<ReportSourceException>()).Which.Message;
        message.Should().Contain("Access denied").And.NotContain("not-the-password-4711");
    }
}
