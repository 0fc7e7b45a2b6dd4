using System.Net.Http.Headers;
using System.Text.Json;
using CachetSync.Configuration;
using Microsoft.Extensions.Logging;

namespace CachetSync.Witness;

/// <summary>
/// The writer's side: one signed question to every <c>Guard.Witnesses</c> at once, each bounded by one probe timeout
/// and <see cref="WitnessServer.Margin"/> (a witness probes with its own timeout; give it the writer's). A witness
/// that does not answer, answers unsigned or answers nonsense is said, and counts as not asked.
/// </summary>
public sealed class WitnessClient(GuardSettings guard, ProbeSettings probe, IHttpClientFactory clients, TimeProvider time, ILogger<WitnessClient> logger)
{
    public const string ClientName = "cachetsync-witness";

    /// <summary>How long a question may take: the witness's probes, its margin, and the way there and back.</summary>
    public TimeSpan Bound => probe.Timeout + WitnessServer.Margin + TimeSpan.FromSeconds(1);

    /// <returns>Each witness's reply, in <c>Guard.Witnesses</c> order.</returns>
    public async Task<IReadOnlyList<WitnessReply>> AskAsync(IReadOnlyList<string> names, CancellationToken stopping)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new WitnessQuestion(names), WitnessJsonContext.Default.WitnessQuestion);
        return await Task.WhenAll(guard.Witnesses.Select(witness => AskOneAsync(witness, body, stopping)));
    }

    private async Task<WitnessReply> AskOneAsync(Uri witness, byte[] body, CancellationToken stopping)
    {
        var label = witness.Authority;
        var token = guard.WitnessToken!.Reveal();
        var signature = WitnessSignature.SignQuestion(token, time.GetUtcNow(), body);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bound.CancelAfter(Bound);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(witness, WitnessServer.ProbePath.TrimStart('/')))
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add(WitnessSignature.Header, signature);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token);
            var answer = await ReadBoundedAsync(response, bound.Token);
            if (!response.IsSuccessStatusCode)
            {
                return NotAsked(label, $"answered HTTP {(int)response.StatusCode}: {Clipped.After(System.Text.Encoding.UTF8.GetString(answer).Trim(), 200)}");
            }

            var header = response.Headers.TryGetValues(WitnessSignature.Header, out var values) ? values.FirstOrDefault() : null;
            if (!WitnessSignature.CheckAnswer(token, signature, header, answer))
            {
                return NotAsked(label, "answered without a valid signature (not the witness, or another token): ignored");
            }

            var parsed = JsonSerializer.Deserialize(answer, WitnessJsonContext.Default.WitnessAnswer)
                ?? throw new JsonException("null");
            return new WitnessReply(label, parsed.Servers.ToDictionary(seen => seen.Name, StringComparer.Ordinal), null);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return NotAsked(label, $"no answer within {Bound.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or ArgumentException or InvalidOperationException)
        {
            return NotAsked(label, ex is JsonException ? $"answered nonsense: {ex.Message}" : $"could not be asked: {ex.Message}");
        }
    }

    private WitnessReply NotAsked(string label, string why)
    {
        logger.LogWarning("Witness {Witness} {Why}", label, why);
        return new WitnessReply(label, null, why);
    }

    /// <summary>An answer is at most a few hundred bytes a server; a witness (or what poses as one) that sends more is cut off.</summary>
    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        const int max = 16 * 1024 * 1024;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new InvalidOperationException($"answer longer than {max} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>One witness's reply: what it saw of each server it knew, or why it could not be asked.</summary>
public sealed record WitnessReply(string Witness, IReadOnlyDictionary<string, WitnessProbe>? Seen, string? NotAsked);
