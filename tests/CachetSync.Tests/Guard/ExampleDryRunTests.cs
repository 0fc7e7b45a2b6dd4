using CachetSync.Tests.Configuration;
using CachetSync.Tests.Support;
using FluentAssertions;

namespace CachetSync.Tests.Guard;

/// <summary>README's first command, as written: the shipped example's made-up names reach nothing, canaries included.</summary>
public sealed class ExampleDryRunTests : IDisposable
{
    private readonly TestRun _run = new();

    [Fact]
    public async Task The_readme_dry_run_shows_the_guard_holding_and_why_instead_of_four_false_outages()
    {
        var example = Path.Combine(SettingsReaderTests.RepositoryRoot(), "appsettings.example.json");

        var exit = await _run.RunAsync("--config", example, "--once", "--dry-run");

        exit.Should().Be(2);
        var output = _run.Out.ToString();
        output.Should().Contain("Guard held this cycle: this machine cannot reach the network: canary `tcp://gateway.example.net:53`")
            .And.Contain("4 guarded (dry run: nothing written). Exit code 2.")
            .And.NotContain("MajorOutage");
        File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "README.md")).Should()
            .Contain("Guard held this cycle: this machine cannot reach the network: canary `tcp://gateway.example.net:53`", "README shows the screen a newcomer sees");
    }

    public void Dispose() => _run.Dispose();
}
