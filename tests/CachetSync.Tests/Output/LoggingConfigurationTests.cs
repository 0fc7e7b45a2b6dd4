using CachetSync.Tests.Support;

namespace CachetSync.Tests.Output;

/// <summary>The Logging section still reaches the provider it names, though every provider is wrapped for redaction.</summary>
public sealed class LoggingConfigurationTests : IDisposable
{
    private readonly TestRun _run = new();

    private async Task<int> DryRunAsync(string logging) =>
        await _run.RunAsync("--config", _run.WriteConfig($$"""
            { "Logging": {{logging}},
              "Servers": [ { "Name": "a", "Url": "http://127.0.0.1:{{Loopback.FreePort()}}/", "ComponentId": 1 } ] }
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

    public void Dispose() => _run.Dispose();
}
