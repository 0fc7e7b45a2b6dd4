namespace CachetSync.Tests.Reports;

/// <summary>
/// A test that needs a real database server: it runs when the connection string is in the environment (bash
/// .ci/start-databases starts the servers and sets it), and is reported skipped, with the reason, when not.
/// </summary>
public sealed class DatabaseFactAttribute : FactAttribute
{
    public DatabaseFactAttribute(string environmentVariable)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(environmentVariable)))
        {
            Skip = $"{environmentVariable} is not set: no database server to test against (bash .ci/start-databases starts one)";
        }
    }
}
