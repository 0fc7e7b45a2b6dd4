using CachetSync.Tests.Configuration;
using CachetSync.Tests.Support;
using FluentAssertions;

namespace CachetSync.Tests.Guard;

/// <summary>
/// The shipped example, dry, as README explains it: its made-up names reach nothing, canaries included. What this
/// machine's resolver does decides which of README's two honest outcomes it is; neither is a false outage.
/// </summary>
public sealed class ExampleDryRunTests : IDisposable
{
    private readonly TestRun _run = new();

    [Fact]
    public async Task The_example_dry_run_names_made_up_canaries_or_this_machine_s_blindness_never_four_false_outages()
    {
        var example = Path.Combine(SettingsReaderTests.RepositoryRoot(), "appsettings.example.json");

        var exit = await _run.RunAsync("--config", example, "--once", "--dry-run");

        exit.Should().Be(2);
        var output = _run.Out.ToString();
        if (output.Contains("no such name (NXDOMAIN)", StringComparison.Ordinal))
        {
            // The resolver answered: a configuration mistake, said so, and never "this machine cannot reach the network".
            output.Should().Contain("Guard: canaries `tcp://gateway.example.net:53`, `https://status.example.com/api/v1/ping` do not exist (NXDOMAIN): set Guard.Canaries")
                .And.NotContain("cannot reach the network");
        }
        else
        {
            output.Should().Contain("Guard held this cycle: this machine cannot reach the network: canary `tcp://gateway.example.net:53`")
                .And.Contain("4 guarded (dry run: nothing written). Exit code 2.")
                .And.NotContain("MajorOutage");
        }

        var readme = File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "README.md"));
        readme.Should().Contain("do not exist (NXDOMAIN): set Guard.Canaries to hosts outside the fleet").And.Contain("Guard held this cycle: this machine cannot reach the network");
    }

    public void Dispose() => _run.Dispose();
}
