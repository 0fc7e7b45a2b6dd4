using CachetSync.Configuration;
using CachetSync.Probing;
using CachetSync.Tests.Support;
using CachetSync.Thresholds;
using Microsoft.Extensions.DependencyInjection;

namespace CachetSync.Tests.Probing;

/// <summary>The served certificate's remaining life, read from generated short-lived certificates.</summary>
public sealed class CertificateProbeTests
{
    private static async Task<ProbeResult> ProbeAsync(SelfSignedHttpsServer server, bool verifyTls = false)
    {
        using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient));
        return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(server.Url), verifyTls, CancellationToken.None);
    }

    [Fact]
    public async Task The_days_until_the_certificate_expires_are_measured()
    {
        using var server = new SelfSignedHttpsServer(validFor: TimeSpan.FromDays(3));

        var result = await ProbeAsync(server);

        result.CertificateExpiresIn!.Value.TotalDays.Should().BeInRange(2.99, 3.0);
    }

    [Fact]
    public async Task A_certificate_expiring_within_the_threshold_maps_to_its_status()
    {
        using var server = new SelfSignedHttpsServer(validFor: TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        var thresholds = ProberFactory.Thresholds with { CertificateExpiresWithin = TimeSpan.FromDays(7) };

        var decision = ThresholdMapper.Map(await ProbeAsync(server), null, thresholds);

        decision.Should().Be(new StatusDecision(ComponentStatus.PerformanceIssues, "HTTP 200; the TLS certificate expires in 3 days (< 7d)"));
    }

    [Fact]
    public async Task A_certificate_with_longer_to_live_is_fine()
    {
        using var server = new SelfSignedHttpsServer(validFor: TimeSpan.FromDays(30));
        var thresholds = ProberFactory.Thresholds with { CertificateExpiresWithin = TimeSpan.FromDays(7), CertificateExpiring = ComponentStatus.MajorOutage };

        ThresholdMapper.Map(await ProbeAsync(server), null, thresholds).Status.Should().Be(ComponentStatus.Operational);
    }

    [Fact]
    public async Task An_expired_certificate_is_a_tls_failure_when_verified()
    {
        using var server = new SelfSignedHttpsServer(validFor: TimeSpan.FromHours(-1));

        var result = await ProbeAsync(server, verifyTls: true);

        result.Kind.Should().Be(ProbeKind.TlsFailure);
        result.CertificateExpiresIn!.Value.Should().BeNegative("the failure still says how long ago it expired");
    }

    [Fact]
    public async Task A_plain_http_answer_has_no_certificate()
    {
        using var server = new WireMockHealth();

        (await server.ProbeAsync()).CertificateExpiresIn.Should().BeNull();
    }

    private sealed class WireMockHealth : IDisposable
    {
        private readonly WireMock.Server.WireMockServer _server = Loopback.StartWireMock();

        public async Task<ProbeResult> ProbeAsync()
        {
            _server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/health"))
                .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));
            using var services = ProberFactory.Services(ProberFactory.Settings(ProberFactory.Patient));
            return await services.GetRequiredService<HttpProber>().ProbeAsync(new Uri(_server.Urls[0] + "/health"), true, CancellationToken.None);
        }

        public void Dispose() => _server.Dispose();
    }
}
