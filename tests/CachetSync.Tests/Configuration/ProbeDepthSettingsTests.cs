using System.Text;
using CachetSync.Configuration;
using CachetSync.Thresholds;

namespace CachetSync.Tests.Configuration;

/// <summary>The probe-depth keys: read as written, inherited per server, and every mistake named at once.</summary>
public sealed class ProbeDepthSettingsTests
{
    private static (CachetSyncSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Read(string json) =>
        SettingsReader.Read(ConfigTree.Parse(json), dryRun: true);

    [Fact]
    public void Every_probe_depth_key_is_read_and_a_server_overrides_key_by_key()
    {
        var (settings, problems) = Read("""
            {
              "Probe": {
                "Retries": 2, "RetryDelay": "250ms", "Timings": true,
                "Headers": { "X-Probe": "global-1" },
                "Throughput": { "Path": "/probe/1mb.bin", "Bytes": "1MiB", "MinRate": "20MiB/s" },
                "Expect": { "Pointer": "/status", "Equals": "UP" }
              },
              "Thresholds": { "CertificateExpiresWithin": "7d", "CertificateExpiring": "MajorOutage" },
              "Servers": [
                { "Name": "a", "Url": "https://10.0.0.7/health", "ComponentId": 1,
                  "Probe": { "Host": "edge-7.stream.test", "Headers": { "X-Edge": "7" }, "Auth": { "User": "probe", "Password": "pa55-w0rd-x" },
                             "Expect": { "BodyContains": "ok", "Status": "MajorOutage" } } },
                { "Name": "b", "Url": "https://b.test/health", "ComponentId": 2 }
              ]
            }
            """);

        problems.Should().BeEmpty();
        settings!.Probe.Should().BeEquivalentTo(new { Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(250), Timings = true });
        settings.Probe.Request.Throughput.Should().Be(new ThroughputSettings("/probe/1mb.bin", 1024 * 1024, 20 * 1024 * 1024));
        var a = settings.Servers[0].Probe!;
        a.Host.Should().Be("edge-7.stream.test");
        a.Headers.Keys.Should().BeEquivalentTo("X-Probe", "X-Edge");
        a.Authorization!.Reveal().Should().Be("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("probe:pa55-w0rd-x")));
        a.Expect.Should().BeEquivalentTo(new { BodyContains = "ok", Pointer = (string?)null, Status = ComponentStatus.MajorOutage });
        a.Throughput.Should().Be(settings.Probe.Request.Throughput, "what a server does not say, it inherits");
        settings.Servers[1].Probe.Should().BeNull("a server without a Probe section uses the Probe section's");
        settings.Servers[0].Thresholds.Should().BeEquivalentTo(new { CertificateExpiresWithin = TimeSpan.FromDays(7), CertificateExpiring = ComponentStatus.MajorOutage });
    }

    [Fact]
    public void Every_mistake_is_named_with_its_path()
    {
        var (_, problems) = Read("""
            {
              "Probe": { "Retries": 9, "Throughput": { "Bytes": "lots", "Path": "probe.bin" }, "Expect": { "Pointer": "status" } },
              "Thresholds": { "CertificateExpiresWithin": "soon" },
              "Servers": [
                { "Name": "a", "Url": "http://a.test/", "ComponentId": 1,
                  "Probe": { "Method": "HEAD", "Auth": { "User": "x" }, "Host": "a b", "Headers": { "Host": "edge-9.example.net" },
                             "Expect": { "BodyMatches": "(unclosed" }, "Timeout": "1s" } }
              ]
            }
            """);

        problems.Select(problem => problem.ToString()).Should().BeEquivalentTo(
            "Probe.Retries: 9 is out of range (0 to 3)",
            "Probe.Throughput.Path: \"probe.bin\" is not a path on the server (it starts with \"/\")",
            "Probe.Throughput.Bytes: \"lots\" is not a size (use \"1MiB\", \"256KiB\" or a number of bytes)",
            "Probe.Throughput.MinRate: is required: the rate below which the server counts as slow, e.g. \"20MiB/s\"",
            "Probe.Expect.Pointer: \"status\" is not a JSON Pointer (it starts with \"/\", e.g. \"/status\")",
            "Probe.Expect.Equals: Pointer and Equals go together: the value at Pointer must equal Equals",
            "Thresholds.CertificateExpiresWithin: \"soon\" is not a duration (use \"00:00:05\", \"5s\" or \"1500ms\")",
            "Servers[0].Probe.Timeout: unknown key (known keys: Method, MaxBodyBytes, Headers, Auth, Host, Throughput, Expect)",
            "Servers[0].Probe.Headers.Host: is set by Probe.Host, not by Headers",
            "Servers[0].Probe.Auth.Password: is required for basic authentication (or set Bearer)",
            "Servers[0].Probe.Host: \"a b\" is not a host name, optionally with :port",
            "Servers[0].Probe.Expect.BodyMatches: is not a regular expression: Invalid pattern '(unclosed' at offset 9. Not enough )'s.",
            "Servers[0].Probe.Method: HEAD has no body: Expect, and Throughput without a Path, need GET");
    }

    [Fact]
    public void A_test_object_on_another_host_is_refused()
    {
        var (_, problems) = Read("""{ "Probe": { "Throughput": { "Path": "//cdn.example.com/1mb.bin", "MinRate": "1MiB/s" } } }""");

        problems.Select(problem => problem.ToString()).Should().Equal(
            "Probe.Throughput.Path: \"//cdn.example.com/1mb.bin\" is not a path on the server (it starts with \"/\")");
    }

    [Theory]
    [InlineData("1MiB", 1048576)]
    [InlineData("256 KiB", 262144)]
    [InlineData("1.5MB", 1500000)]
    [InlineData("4096", 4096)]
    public void Sizes_read_as_operators_write_them(string text, double bytes)
    {
        ByteSizeText.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(bytes);
    }

    [Theory]
    [InlineData("20MiB/s", 20 * 1024 * 1024)]
    [InlineData("100Mbit/s", 12_500_000)]
    [InlineData("512 KiB/s", 512 * 1024)]
    public void Rates_read_in_bytes_or_bits(string text, double bytesPerSecond)
    {
        ByteSizeText.TryParseRate(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(bytesPerSecond);
    }

    [Fact]
    public void A_rate_without_per_second_is_refused()
    {
        ByteSizeText.TryParseRate("20MiB", out _).Should().BeFalse();
    }
}
