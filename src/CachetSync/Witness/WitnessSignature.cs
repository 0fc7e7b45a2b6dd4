using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CachetSync.Witness;

/// <summary>
/// How a writer and its witnesses know each other: each question and each answer carries an HMAC-SHA256 of its body
/// keyed with the shared token. The token itself never travels, so a witness behind plain http (or a proxy that logs
/// headers) gives nothing away, and nobody on the path can forge an answer — a forged "healthy" would keep a real
/// outage off the page. A question is signed with its time and refused five minutes either side (a recorded one
/// cannot be replayed later); an answer is signed over the question's signature, so it answers that question only.
/// </summary>
public static class WitnessSignature
{
    public const string Header = "X-CachetSync-Signature";

    /// <summary>How far a question's time may be from the witness's clock.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>The question's header value: <c>t=UNIXSECONDS,sig=HEX</c>.</summary>
    public static string SignQuestion(string token, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        var time = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={time},sig={Convert.ToHexStringLower(Mac(token, $"question\n{time}\n", body))}";
    }

    /// <summary>The answer's header value: the HMAC of its body, bound to the question's signature.</summary>
    public static string SignAnswer(string token, string question, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Mac(token, $"answer\n{question}\n", body));

    /// <returns>Null when the question is signed with the token within <see cref="MaxSkew"/>; else why not.</returns>
    public static string? CheckQuestion(string token, string? header, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        var comma = header?.IndexOf(",sig=", StringComparison.Ordinal) ?? -1;
        if (header is null || !header.StartsWith("t=", StringComparison.Ordinal) || comma < 0)
        {
            return $"no {Header} header (t=…,sig=…)";
        }

        var time = header[2..comma];
        if (!long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return "the signature's time is not a number of seconds";
        }

        if (!Same(header[(comma + 5)..], Mac(token, $"question\n{time}\n", body)))
        {
            return "wrong signature (is Guard.WitnessToken the same as this witness's Witness.Token?)";
        }

        var skew = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return skew.Duration() > MaxSkew ? $"signed {skew.TotalSeconds:0} s from this witness's clock (at most {MaxSkew.TotalSeconds:0} s)" : null;
    }

    public static bool CheckAnswer(string token, string question, string? header, ReadOnlySpan<byte> body) =>
        header is not null && Same(header, Mac(token, $"answer\n{question}\n", body));

    /// <summary>Compared in constant time: how long a wrong signature takes to refuse tells nothing of the right one.</summary>
    private static bool Same(string hex, byte[] expected)
    {
        Span<byte> given = stackalloc byte[32];
        return hex.Length == 64 && Convert.FromHexString(hex, given, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32
               && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static byte[] Mac(string token, string prefix, ReadOnlySpan<byte> body)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(token));
        mac.AppendData(Encoding.UTF8.GetBytes(prefix));
        mac.AppendData(body);
        return mac.GetHashAndReset();
    }
}
