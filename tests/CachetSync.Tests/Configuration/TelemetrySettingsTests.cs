using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary><c>Telemetry.Prometheus.Listen</c>: what a listen address may be, and what each becomes.</summary>
public sealed class TelemetrySettingsTests
{
    private static (CachetSyncSettings? Settings, List<string> Problems) Read(string listen)
    {
        var (settings, problems) = SettingsReader.Read(
            ConfigTree.Parse($$"""{ "Telemetry": { "Prometheus": { "Listen": "{{listen}}" } } }"""), dryRun: true);
        return (settings, problems.Select(problem => problem.ToString()).ToList());
    }

    [Theory]
    [InlineData("0.0.0.0:9464", "http://+:9464/")]
    [InlineData("*:9464", "http://+:9464/")]
    [InlineData("[::]:9464", "http://+:9464/")]
    [InlineData("127.0.0.1:19464", "http://127.0.0.1:19464/")]
    [InlineData("[::1]:9464", "http://[::1]:9464/")]
    [InlineData("localhost:9464", "http://localhost:9464/")]
    public void A_listen_address_becomes_the_prefix_http_listener_binds(string listen, string prefix) =>
        Read(listen).Settings!.Telemetry.PrometheusListen!.Prefix().Should().Be(prefix);

    [Theory]
    [InlineData("9464", "is not host:port with a port from 1 to 65535")]
    [InlineData("0.0.0.0:0", "is not host:port with a port from 1 to 65535")]
    [InlineData("0.0.0.0:65536", "is not host:port with a port from 1 to 65535")]
    [InlineData("0.0.0.0:-1", "is not host:port with a port from 1 to 65535")]
    [InlineData("metrics.example.com:9464", "is not an IP address")]
    public void A_listen_address_that_cannot_be_bound_is_named(string listen, string problem) =>
        Read(listen).Problems.Should().ContainSingle().Which.Should().StartWith($"Telemetry.Prometheus.Listen: ").And.Contain(problem);

    [Fact]
    public void Without_the_section_nothing_listens() =>
        SettingsReader.Read(ConfigTree.Parse("{}"), dryRun: true).Settings!.Telemetry.PrometheusListen.Should().BeNull();

    [Fact]
    public void Unknown_keys_are_named() =>
        SettingsReader.Read(ConfigTree.Parse("""{ "Telemetry": { "Prometheus": { "Port": 9464 }, "Otlp": {} } }"""), dryRun: true)
            .Problems.Select(problem => problem.ToString())
            .Should().Contain(problem => problem.StartsWith("Telemetry.Prometheus.Port", StringComparison.Ordinal))
            .And.Contain(problem => problem.StartsWith("Telemetry.Otlp", StringComparison.Ordinal));
}
