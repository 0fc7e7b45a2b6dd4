using CachetSync.Tests.Support;

namespace CachetSync.Tests.Configuration;

/// <summary>Whatever passes validation runs: every value at the edge of its range, through the whole program.</summary>
public sealed class ConfigurationAtItsBoundsTests : LoopbackProgramTest
{
    public ConfigurationAtItsBoundsTests()
    {
        Cachet.WithComponent(1, "web-1", 1).ServeComponents();
    }

    [Theory]
    [InlineData("100ms", 0, "1ms", "500ms", "1ms", "1ms")]
    [InlineData("10m", 10, "10m", "1d", "1h", "366d")]
    public async Task Values_at_their_bounds_run_a_cycle(string timeout, int retries, string retryDelay, string breakFor, string probeTimeout, string window)
    {
        var config = Run.WriteConfig($$"""
            {
              "Cachet": { "BaseUrl": "{{Cachet.BaseUrl}}", "Timeout": "{{timeout}}", "ManualHoldFor": "366d",
                          "Resilience": { "MaxRetries": {{retries}}, "RetryDelay": "{{retryDelay}}", "BreakAfter": 2, "BreakFor": "{{breakFor}}" } },
              "Probe": { "Timeout": "{{probeTimeout}}" },
              "Reports": { "Window": "{{window}}", "Timeout": "1h" },
              "ShutdownTimeout": "1h",
              "Servers": [ { "Name": "web-1", "Url": "http://127.0.0.1:{{Loopback.RefusedPort}}/", "ComponentId": 1 } ]
            }
            """);

        var exitCode = await Run.RunAsync("--config", config, "--once", "--dry-run");

        // A 100 ms Cachet timeout may well run out on a busy machine: that is a result. A crash would be no summary at all.
        var cachetTooSlow = Run.Out.ToString().Contains("GET /components page 1: Cachet did not answer in time", StringComparison.Ordinal);
        exitCode.Should().Be(cachetTooSlow ? 2 : 0, Run.Everything);
        Run.Out.ToString().Should().MatchRegex(cachetTooSlow ? @"web-1 .* \? -> MajorOutage\s+skipped" : @"web-1 .* Operational -> MajorOutage\s+dry-run");
        Run.Everything.Should().NotContain("Exception");
    }

    [Theory]
    [InlineData("/dev/zero", "cannot be read (it is larger than 16 MiB)")]
    [InlineData("/dev/null", "not valid JSON")]
    public async Task A_config_file_that_is_a_device_is_a_clear_error(string path, string expected)
    {
        var exitCode = await Run.RunAsync("--config", path, "--once", "--dry-run");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain($"invalid configuration: {path}: {expected}");
    }
}
