using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CachetSync.Tests.Support;

/// <summary>An HTTPS server on 127.0.0.1 with a freshly made self-signed certificate, answering every request 200.</summary>
public sealed class SelfSignedHttpsServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;

    /// <param name="validFor">How long from now the certificate stays valid (default a day).</param>
    public SelfSignedHttpsServer(TimeSpan? validFor = null)
    {
        NotAfter = DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromDays(1));
        _certificate = CreateCertificate(NotAfter);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public DateTimeOffset NotAfter { get; }

    /// <summary>The TLS server name (SNI) the last client asked for.</summary>
    public string? LastServerName { get; private set; }

    /// <summary>The first bytes of the last request: its request line and headers.</summary>
    public string? LastRequest { get; private set; }

    public string Url => $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/health";

    private static X509Certificate2 CreateCertificate(DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=stream.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter);
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(_certificate);
                LastServerName = tls.TargetHostName;
                // The request's first bytes are enough: every request gets the same answer.
                var buffer = new byte[4096];
                var read = await tls.ReadAsync(buffer, _stop.Token);
                LastRequest = Encoding.ASCII.GetString(buffer, 0, read);
                await tls.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // The prober refusing the certificate ends the handshake: that is the point.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
        _stop.Dispose();
    }
}
