using System.Collections;
using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>CACHETSYNC_ variables: configuration paths override the file; other shapes (Kubernetes service links) are not configuration.</summary>
public sealed class EnvironmentOverlayTests
{
    private static (ConfigTree Tree, IReadOnlyList<string> Skipped) Overlay(params (string Name, string Value)[] variables)
    {
        var tree = ConfigTree.Parse("""{ "Probe": { "Timeout": "5s" } }""");
        var environment = new Hashtable();
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return (tree, tree.OverlayEnvironment("CACHETSYNC_", environment, SettingsReader.TopLevelKeys));
    }

    [Fact]
    public void Kubernetes_service_link_variables_are_skipped_not_fatal()
    {
        var (tree, skipped) = Overlay(
            ("CACHETSYNC_DB_SERVICE_HOST", "10.0.0.12"), ("CACHETSYNC_DB_PORT", "tcp://10.0.0.12:5432"),
            ("CACHETSYNC_DB_PORT_5432_TCP_ADDR", "10.0.0.12"), ("CACHETSYNC_SERVICE_PORT", "9464"),
            ("CACHETSYNC_Probe__Timeout", "2s"));

        skipped.Should().BeEquivalentTo("CACHETSYNC_DB_SERVICE_HOST", "CACHETSYNC_DB_PORT", "CACHETSYNC_DB_PORT_5432_TCP_ADDR", "CACHETSYNC_SERVICE_PORT");
        var (settings, problems) = SettingsReader.Read(tree, dryRun: true);
        problems.Should().BeEmpty();
        settings!.Probe.Timeout.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_pod_with_service_link_variables_starts_and_says_so_at_debug()
    {
        using var run = new Support.TestRun();
        run.SetEnvironment("DB_PORT_5432_TCP_ADDR", "10.0.0.12");
        run.SetEnvironment("DB_SERVICE_HOST", "10.0.0.12");
        var config = run.WriteConfig($$"""{ "Servers": [ { "Name": "a", "Url": "http://127.0.0.1:{{Support.Loopback.RefusedPort}}/", "ComponentId": 1 } ] }""");

        var exitCode = await run.RunAsync("--config", config, "--once", "--dry-run");

        exitCode.Should().Be(0, run.Everything);
        run.Logs.Lines.Should().Contain(line => line.StartsWith("Debug", StringComparison.Ordinal)
            && line.Contains($"{run.EnvironmentPrefix}DB_PORT_5432_TCP_ADDR is not a configuration path (Section__Key); ignored"));
    }

    [Fact]
    public void A_well_shaped_variable_with_an_unknown_key_stays_an_error()
    {
        var (tree, skipped) = Overlay(("CACHETSYNC_Probe__Timeuot", "2s"));

        skipped.Should().BeEmpty();
        SettingsReader.Read(tree, dryRun: true).Problems.Should().ContainSingle().Which.ToString().Should().StartWith("Probe.Timeuot: unknown key");
    }

    [Fact]
    public void A_typo_with_a_dash_in_a_well_shaped_variable_is_still_named()
    {
        var (tree, skipped) = Overlay(("CACHETSYNC_Probe__Time-out", "2s"));

        skipped.Should().BeEmpty();
        SettingsReader.Read(tree, dryRun: true).Problems.Should().ContainSingle().Which.ToString().Should().StartWith("Probe.Time-out: unknown key");
    }

    [Fact]
    public void A_top_level_key_needs_no_separator()
    {
        var (tree, skipped) = Overlay(("CACHETSYNC_ShutdownTimeout", "3s"), ("CACHETSYNC_Servers__0__Url", "http://a.test/"));

        skipped.Should().BeEmpty();
        tree.Child("ShutdownTimeout")!.Value.Should().Be("3s");
        tree.Child("Servers")!.Child("0")!.Child("Url")!.Value.Should().Be("http://a.test/");
    }
}
