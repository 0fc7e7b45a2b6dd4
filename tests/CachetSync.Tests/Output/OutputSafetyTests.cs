using System.Text.Json;
using System.Text.Json.Nodes;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Output;

/// <summary>
/// What reaches stdout, stderr and the logs, through the whole program: no secret, however it got into a text (an
/// echoing Cachet, a URL, a config error), and no raw control character from names Cachet or a config supplies.
/// </summary>
public sealed class OutputSafetyTests : LoopbackProgramTest
{
    private const string Token = "echo-me-token-5b1e0c7d9a";

    public OutputSafetyTests()
        : base(Token)
    {
        Targets.Given(WireMock.RequestBuilders.Request.Create().WithPath("/down").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503));
    }

    private string Config(JsonObject? cachet = null, string? serverUrl = null) => Run.WriteConfig(new JsonObject
    {
        ["Cachet"] = cachet ?? new JsonObject
        {
            ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = Token, ["Resilience"] = new JsonObject { ["MaxRetries"] = 0 },
        },
        ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "web-1", ["Url"] = serverUrl ?? Targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Trace" } },
    }.ToJsonString());

    [Fact]
    public async Task A_secret_masks_the_output_of_its_own_run_and_no_other()
    {
        // One run's Cachet token is, by chance, also a server's name in it and in another run, both at once: each run
        // masks what it knows, no more.
        const string Shared = "stream-zurich-7";
        Cachet.WithComponent(1, Shared, 1).ServeComponents();
        using var other = new TestRun();
        var servers = new JsonArray(new JsonObject { ["Name"] = Shared, ["Url"] = Targets.Urls[0] + "/down", ["ComponentId"] = 1 });
        var withToken = Run.WriteConfig(new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = Cachet.BaseUrl, ["ApiToken"] = Shared }, ["Servers"] = servers.DeepClone(),
        }.ToJsonString());
        var withoutToken = other.WriteConfig(new JsonObject { ["Servers"] = servers.DeepClone() }.ToJsonString());

        var runs = await Task.WhenAll(Run.RunAsync("--config", withToken, "--once", "--dry-run"), other.RunAsync("--config", withoutToken, "--once", "--dry-run"));

        runs.Should().Equal(0, 0);
        Run.Out.ToString().Should().Contain("***").And.NotContain(Shared, "in this run it is the token");
        other.Out.ToString().Should().Contain(Shared, "in that run it is a name, and no secret");
    }

    [Fact]
    public async Task A_cachet_error_that_echoes_the_token_is_printed_masked()
    {
        Cachet.WithComponent(1, "web-1", 1).ServeComponents()
            .FailWrite(1, 400, $$"""{"errors":[{"status":400,"title":"Bad Request","detail":"token {{Token}} is not allowed to do this"}]}""");

        var exitCode = await Run.RunAsync("--config", Config(), "--once");

        exitCode.Should().Be(2);
        Run.Out.ToString().Should().Contain("token *** is not allowed to do this", "Cachet's words are kept, the token is not");
        Run.Everything.Should().NotContain(Token);
    }

    [Fact]
    public async Task A_base_url_with_credentials_is_refused_without_printing_them()
    {
        var baseUrl = Cachet.BaseUrl.Replace("http://", "http://admin:hunter2-pass-77@", StringComparison.Ordinal);

        var exitCode = await Run.RunAsync("--config", Config(new JsonObject { ["BaseUrl"] = baseUrl, ["ApiToken"] = Token }), "--once");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain("Cachet.BaseUrl: \"http://***@").And.Contain("carries user info");
        Run.Everything.Should().NotContain("hunter2-pass-77");
        Cachet.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task A_base_url_with_a_key_in_its_query_is_refused_without_printing_it()
    {
        var exitCode = await Run.RunAsync("--config", Config(new JsonObject { ["BaseUrl"] = Cachet.BaseUrl + "/?api_key=qk-991827364", ["ApiToken"] = Token }), "--once");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain("carries a query");
        Run.Everything.Should().NotContain("qk-991827364");
    }

    [Fact]
    public async Task A_token_with_a_line_break_is_refused_without_printing_it()
    {
        Run.SetEnvironment("Cachet__ApiToken", "line-one-secret\r\nX-Injected: yes");

        var exitCode = await Run.RunAsync("--config", Config(), "--once");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain("Cachet.ApiToken: contains a control character");
        Run.Everything.Should().NotContain("line-one-secret");
        Cachet.RequestCount.Should().Be(0);
    }

    [Fact]
    public async Task A_probe_url_with_a_password_is_masked_in_the_config_error()
    {
        var exitCode = await Run.RunAsync("--config", Config(serverUrl: "http://ops:s3cr3t-probe-pw@exa mple.test/health"), "--once");

        exitCode.Should().Be(1);
        Run.Error.ToString().Should().Contain("Servers[0].Url: \"http://***@exa mple.test/health\" is not an absolute");
        Run.Everything.Should().NotContain("s3cr3t-probe-pw");
    }

    [Fact]
    public async Task Control_characters_in_component_names_are_escaped_in_the_listing()
    {
        Cachet.WithComponent(1, "edge\u001b[2J\u001b[Hfake\nID  forged-line", 1).ServeComponents().ServeGroups((1, "Edge\u0007"));

        var exitCode = await Run.RunAsync("--config", Config(), "--list-components");

        exitCode.Should().Be(0, Run.Everything);
        var output = Run.Out.ToString();
        output.Should().NotContain("\u001b").And.NotContain("\u0007");
        output.Should().Contain("edge\\e[2J\\e[Hfake\\nID  forged-line").And.Contain("Edge\\u0007 (#1)");
        output.Split('\n').Should().NotContain(line => line.StartsWith("ID  forged-line", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Control_characters_in_cachet_errors_are_escaped_in_the_summary_and_logs_and_kept_in_json()
    {
        Cachet.WithComponent(1, "web-1", 1).ServeComponents()
            .FailWrite(1, 400, """{"errors":[{"status":400,"detail":"bad\n2026-11-26 info: all good\u001b[31m"}]}""");

        (await Run.RunAsync("--config", Config(), "--once")).Should().Be(2);
        (await Run.RunAsync("--config", Config(), "--once", "--output", "json")).Should().Be(2);

        var table = Run.Out.ToString().Split('\n')[1];
        table.Should().Contain("bad\\n2026-11-26 info: all good\\e[31m");
        Run.Logs.Lines.Should().Contain(line => line.Contains("write failed") && line.Contains("bad\\n2026-11-26 info: all good\\e[31m"));
        Run.Logs.All.Should().NotContain("\u001b");
        var json = Run.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        JsonDocument.Parse(json).RootElement.GetProperty("servers")[0].GetProperty("error").GetString()
            .Should().Contain("bad\n2026-11-26 info: all good\u001b[31m", "JSON carries the text exactly, escaped by JSON itself");
    }
}
