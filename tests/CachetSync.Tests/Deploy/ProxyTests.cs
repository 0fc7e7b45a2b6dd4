using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// One rule for proxies, with the native executable and HTTP_PROXY set as a corporate network sets it: every probe goes
/// to its server directly (through a proxy it would measure the proxy), while Cachet is reached through the proxy.
/// The variable is read once per process, so only a process of its own can show it.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class ProxyTests(PublishedApp app) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-proxy-").FullName;

    [NativeFact]
    public void Probes_go_to_their_servers_and_Cachet_through_the_proxy()
    {
        using var targets = Loopback.StartWireMock();
        targets.Given(Request.Create().WithPath("/health")).RespondWith(Response.Create().WithStatusCode(200).WithBody("fine"));
        using var cachet = new CachetStub();
        cachet.WithComponent(1, "headers-only", 1).WithComponent(2, "with-body", 1).ServeComponents().AcceptStatusWrites();
        using var proxy = Loopback.StartWireMock();
        proxy.Given(Request.Create()).RespondWith(Response.Create().WithProxy(cachet.BaseUrl));
        var config = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["Servers"] = new JsonArray(
                new JsonObject { ["Name"] = "headers-only", ["Url"] = targets.Urls[0] + "/health?plain", ["ComponentId"] = 1 },
                new JsonObject { ["Name"] = "with-body", ["Url"] = targets.Urls[0] + "/health?body", ["ComponentId"] = 2, ["Probe"] = new JsonObject { ["MaxBodyBytes"] = 1024 } }),
        }.ToJsonString());

        var (exitCode, output, error) = PublishedApp.Run(app.Executable, $"--config {config} --once", _work, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["HTTP_PROXY"] = proxy.Urls[0], ["http_proxy"] = proxy.Urls[0], ["NO_PROXY"] = "", ["no_proxy"] = "" });

        exitCode.Should().Be(0, output + error);
        targets.LogEntries.Select(entry => entry.RequestMessage.RawQuery).Should().BeEquivalentTo(["?plain", "?body"], "each probe reached its server itself");
        proxy.LogEntries.Should().NotBeEmpty("Cachet is reached through the proxy")
            .And.OnlyContain(entry => entry.RequestMessage.Path.StartsWith("/api/v1/", StringComparison.Ordinal), "no probe went through the proxy");
        output.Should().MatchRegex(@"with-body\s+HTTP 200");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
