using CachetSync.Tests.Support;

namespace CachetSync.Tests.Output;

/// <summary>The Logging section still reaches the provider it names, though every provider is wrapped for redaction.</summary>
public sealed class LoggingConfigurationTests : IDisposable
{
    private readonly TestRun _run = new();

    private async Task<int> DryRunAsync(string logging) =>
        await _run.RunAsync("--config", _run.WriteConfig($$"""
            { "Logging": {{logging}},
              "Servers": [ { "Name": "a", "Url": "http://127.0.0.1:{{Loopback.RefusedPort}}/", "ComponentId": 1 } ] }
            """), "--once", "--dry-run");

    [Fact]
    public async Task A_level_set_for_one_provider_applies_to_it()
    {
        // The test's capture stands where the console stands in production ("Logging:Console:LogLevel").
        (await DryRunAsync("""{ "CachetSync.Tests.Support.CapturedLogs": { "LogLevel": { "Default": "Warning" } } }""")).Should().Be(0);

        _run.Logs.Lines.Should().NotContain(line => line.StartsWith("Information", StringComparison.Ordinal));
        _run.Out.ToString().Should().Contain("1 server in");
    }

    [Fact]
    public async Task Without_it_information_is_logged()
    {
        (await DryRunAsync("""{ "LogLevel": { "Default": "Information" } }""")).Should().Be(0);

        _run.Logs.Lines.Should().Contain(line => line.StartsWith("Information", StringComparison.Ordinal) && line.Contains("Cycle done"));
    }

    private async Task<int> AgainstAClosedCachetAsync(string logLevels) =>
        await _run.RunAsync("--config", _run.WriteConfig($$"""
            { "Logging": { "LogLevel": {{logLevels}} },
              "Cachet": { "BaseUrl": "http://127.0.0.1:{{Loopback.RefusedPort}}", "ApiToken": "{{CachetStub.Token}}" },
              "Servers": [ { "Name": "a", "Url": "http://127.0.0.1:{{Loopback.RefusedPort}}/", "ComponentId": 1 } ] }
            """), "--once");

    [Fact]
    public async Task Pollys_lines_and_their_stack_traces_are_not_shown_unless_asked_for()
    {
        (await AgainstAClosedCachetAsync("""{ "Default": "Debug" }""")).Should().Be(2);

        _run.Logs.Lines.Should().Contain(line => line.Contains("cannot reach Cachet"), "CachetSync's own line says what failed");
        _run.Logs.Lines.Should().NotContain(line => line.Contains("Execution attempt"), "Polly's line repeats it with a stack trace");
    }

    [Fact]
    public async Task Pollys_lines_are_there_for_whoever_asks()
    {
        (await AgainstAClosedCachetAsync("""{ "Polly": "Debug" }""")).Should().Be(2);

        _run.Logs.Lines.Should().Contain(line => line.Contains("Execution attempt"));
    }

    public void Dispose() => _run.Dispose();
}
