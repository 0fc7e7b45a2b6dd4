using System.Text;

namespace CachetSync.Configuration;

/// <summary>
/// What one probe asks a server and reads of its answer: section <c>Probe</c> for every server, and
/// <c>Servers[i].Probe</c> over it (each key given replaces the inherited one; <c>Headers</c> merge by name).
/// </summary>
/// <param name="MaxBodyBytes">Body bytes read (and dropped) after the headers; 0: headers only.</param>
/// <param name="Authorization">The whole Authorization header value ("Basic …", "Bearer …"): a secret.</param>
/// <param name="Host">Sent as the Host header (and TLS server name) instead of the URL's: probing an edge by its IP.</param>
public sealed record ProbeRequest(
    HttpMethod Method,
    int MaxBodyBytes,
    IReadOnlyDictionary<string, Secret> Headers,
    Secret? Authorization,
    string? Host,
    ThroughputSettings? Throughput,
    ExpectSettings? Expect)
{
    public static readonly string[] Keys = ["Method", "MaxBodyBytes", "Headers", "Auth", "Host", "Throughput", "Expect"];

    public static readonly string[] AuthKeys = ["Bearer", "User", "Password"];

    /// <summary>How much of a body <c>Expect</c> reads when <c>MaxBodyBytes</c> says nothing.</summary>
    public const int DefaultExpectBodyBytes = 64 * 1024;

    public const int MaxBodyBytesLimit = 16 * 1024 * 1024;

    public static ProbeRequest Default { get; } = new(HttpMethod.Get, 0, new Dictionary<string, Secret>(), null, null, null, null);

    /// <summary>Body bytes kept for <c>Expect</c> to read (the rest of what is read is only counted).</summary>
    public int BodyBytesToKeep => Expect is null ? 0 : MaxBodyBytes > 0 ? MaxBodyBytes : DefaultExpectBodyBytes;

    /// <summary>Body bytes read of the probe's own answer: for <c>Expect</c>, and for a throughput without its own path.</summary>
    public long BodyBytesToRead => Math.Max(Math.Max(MaxBodyBytes, BodyBytesToKeep), Throughput is { Path: null } own ? own.Bytes : 0);

    public static ProbeRequest Read(ConfigNode node, ProbeRequest inherited)
    {
        if (!node.Exists)
        {
            return inherited;
        }

        var request = new ProbeRequest(
            ReadMethod(node) ?? inherited.Method,
            node.Int("MaxBodyBytes", 0, MaxBodyBytesLimit) ?? inherited.MaxBodyBytes,
            MergeHeaders(node.Child("Headers"), inherited.Headers),
            ReadAuth(node.Child("Auth")) ?? inherited.Authorization,
            ReadHost(node) ?? inherited.Host,
            node.Child("Throughput").Exists ? ThroughputSettings.Read(node.Child("Throughput")) : inherited.Throughput,
            node.Child("Expect").Exists ? ExpectSettings.Read(node.Child("Expect")) : inherited.Expect);
        if (request.Method == HttpMethod.Head && (request.Expect is not null || request.Throughput is { Path: null }))
        {
            node.Problem("Method", "HEAD has no body: Expect, and Throughput without a Path, need GET");
        }

        return request;
    }

    private static HttpMethod? ReadMethod(ConfigNode node) => node.Read<HttpMethod>("Method", text => text.ToUpperInvariant() switch
    {
        "GET" => (HttpMethod.Get, null),
        "HEAD" => (HttpMethod.Head, null),
        _ => (null, $"\"{text}\" is not GET or HEAD"),
    });

    private static Dictionary<string, Secret> MergeHeaders(ConfigNode node, IReadOnlyDictionary<string, Secret> inherited)
    {
        var headers = new Dictionary<string, Secret>(inherited, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in HeaderSettings.Read(node))
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                node.Problem(name, $"is set by Probe.{(name.Equals("Host", StringComparison.OrdinalIgnoreCase) ? "Host" : "Auth")}, not by Headers");
                continue;
            }

            headers[name] = value;
        }

        return headers;
    }

    /// <summary><c>{ "Bearer": "…" }</c> or <c>{ "User": "…", "Password": "…" }</c>; values from the file or the environment.</summary>
    private static Secret? ReadAuth(ConfigNode node)
    {
        if (!node.Exists)
        {
            return null;
        }

        node.RejectUnknownKeys(AuthKeys);
        var bearer = node.Secret("Bearer");
        var user = node.String("User");
        var password = node.Secret("Password");
        if (bearer is not null && (user is not null || password is not null))
        {
            node.Problem("sets Bearer and User/Password: keep one kind of authentication");
            return null;
        }

        if (bearer is not null)
        {
            return new Secret($"Bearer {bearer.Reveal()}");
        }

        if (user is null || password is null)
        {
            node.Problem(user is null ? "User" : "Password", "is required for basic authentication (or set Bearer)");
            return null;
        }

        if (user.Contains(':', StringComparison.Ordinal))
        {
            node.Problem("User", "cannot contain \":\" (basic authentication separates user and password with it)");
            return null;
        }

        return new Secret($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password.Reveal()}"))}");
    }

    private static string? ReadHost(ConfigNode node) => node.Read<string>("Host", text =>
        Uri.TryCreate($"http://{text}/", UriKind.Absolute, out var uri) && uri.PathAndQuery == "/" && uri.UserInfo.Length == 0 && uri.Fragment.Length == 0
            ? (text, null)
            : (null, $"\"{text}\" is not a host name, optionally with :port"));
}
