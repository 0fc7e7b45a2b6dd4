using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>The Guard and Heartbeat sections: their defaults, their forms, and every mistake named at once.</summary>
public sealed class GuardSettingsTests
{
    private static (CachetSyncSettings? Settings, IEnumerable<string> Problems) Read(string json)
    {
        var (settings, problems) = SettingsReader.Read(ConfigTree.Parse(json), dryRun: true);
        return (settings, problems.Select(problem => problem.ToString()));
    }

    [Fact]
    public void The_guard_is_on_by_default_without_canaries_and_the_heartbeat_off()
    {
        var (settings, problems) = Read("{}");

        problems.Should().BeEmpty();
        settings!.Guard.Should().BeEquivalentTo(GuardSettings.Default);
        settings.Guard.Enabled.Should().BeTrue();
        settings.Guard.Canaries.Should().BeEmpty();
        (settings.Guard.MaxWorseningShare, settings.Guard.MinServers, settings.Guard.ConfirmAfter).Should().Be((0.5, 20, TimeSpan.FromSeconds(10)));
        settings.Heartbeat.Enabled.Should().BeFalse();
    }

    [Fact]
    public void Canaries_take_every_form_of_a_server_url()
    {
        var (settings, problems) = Read("""
            { "Guard": { "Canaries": ["tcp://router.example.net:53", "https://status.example.org/api/v1/ping", "icmp://gateway.example.net"] } }
            """);

        problems.Should().BeEmpty();
        settings!.Guard.Canaries.Select(canary => canary.Url.Scheme).Should().Equal("tcp", "https", "icmp");
        settings.Guard.Canaries[0].Name.Should().Be("tcp://router.example.net:53");
    }

    [Fact]
    public void Every_bad_guard_and_heartbeat_key_is_named()
    {
        var (_, problems) = Read("""
            {
              "Guard": { "Canaries": ["ftp://x.example", "tcp://no-port.example", { "Url": "x" }], "MaxWorseningShare": 1.5, "MinServers": 0,
                         "ConfirmAfter": "1h", "WriteHeldAfter": 0, "SelfComponentId": 1, "Canary": [],
                         "Window": "2d", "Witnesses": ["ftp://w.example", "https://user:pw@w.example"] },
              "Witness": { "Listen": "w.example:9470", "Token": "short" },
              "Heartbeat": { "Url": "hc-ping.com/abc", "Style": "Cronitor", "Timeout": "5m" },
              "Servers": [ { "Name": "a", "Url": "http://a.example", "ComponentId": 1 } ]
            }
            """);

        problems.Should().BeEquivalentTo(
            "Guard.Canaries[0]: \"ftp://x.example\" is not an absolute http(s), tcp or icmp URL",
            "Guard.Canaries[1]: \"tcp://no-port.example\" needs a port (tcp://host:port)",
            "Guard.Canaries[2]: must be a string, not an object or a list",
            "Guard.MaxWorseningShare: 1.5 is out of range (more than 0, at most 1)",
            "Guard.MinServers: 0 is out of range (1 to 1000000)",
            "Guard.ConfirmAfter: \"1h\" is out of range (0s to 10m)",
            "Guard.WriteHeldAfter: 0 is out of range (1 to 1000)",
            "Guard.SelfComponentId: 1 is also the component of server \"a\": CachetSync's own health needs a component of its own",
            "Guard.Canary: unknown key (known keys: Enabled, Canaries, MaxWorseningShare, MinServers, ConfirmAfter, WriteHeldAfter, SelfComponentId, Window, Witnesses, WitnessToken)",
            "Guard.Window: \"2d\" is out of range (0s to 1d)",
            "Guard.Witnesses[0]: \"ftp://w.example\" is not an http or https URL (e.g. https://witness-us.example.net:9470)",
            "Guard.Witnesses[1]: must not hold credentials: the witness token goes in Guard.WitnessToken",
            "Witness.Listen: \"w.example\" is not an IP address: use one (e.g. 127.0.0.1), or 0.0.0.0 for every address",
            "Witness.Token: must be at least 16 characters (a random secret, e.g. openssl rand -hex 32)",
            "Heartbeat.Url: is not an absolute http(s) URL (e.g. https://hc-ping.com/<uuid>)",
            "Heartbeat.Style: \"Cronitor\" is not one of Healthchecks, UptimeKumaPush, Plain",
            "Heartbeat.Timeout: \"5m\" is out of range (0s to 1m)");
    }

    [Fact]
    public void A_heartbeat_url_is_a_secret_never_echoed_in_a_problem()
    {
        var (_, problems) = Read("""{ "Heartbeat": { "Url": "ftp://hc.example/4b1e7c9a-secret-check-key" } }""");

        problems.Should().ContainSingle().Which.Should().NotContain("4b1e7c9a");
    }
}
