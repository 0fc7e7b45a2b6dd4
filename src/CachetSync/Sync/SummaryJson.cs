using System.Text.Json;
using CachetSync.Probing;

namespace CachetSync.Sync;

/// <summary>
/// Writes the cycle summary as one JSON object on one line (JSON Lines across worker cycles). The field names
/// are a contract documented in README: add fields, never rename them.
/// </summary>
public static class SummaryJson
{
    public static void Write(TextWriter output, CycleSummary summary)
    {
        JsonLine.Write(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("startedAt", summary.StartedAt);
            json.WriteNumber("durationMs", Math.Round(summary.Duration.TotalMilliseconds));
            json.WriteBoolean("dryRun", summary.DryRun);
            json.WriteBoolean("stopped", summary.Stopped);
            json.WriteBoolean("worker", summary.Worker);
            json.WriteNumber("exitCode", summary.ExitCode);
            WriteStringOrNull(json, "shard", summary.Shard);
            WriteStringOrNull(json, "cachetError", summary.CachetError);
            json.WriteStartObject("totals");
            json.WriteNumber("servers", summary.Servers.Count);
            json.WriteNumber("probesFailed", summary.ProbesFailed);
            foreach (var action in Enum.GetValues<SyncAction>())
            {
                json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(action.ToString()), summary.Count(action));
            }

            json.WriteEndObject();
            json.WriteStartArray("servers");
            foreach (var server in summary.Servers)
            {
                WriteServer(json, server);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void WriteServer(Utf8JsonWriter json, ServerOutcome server)
    {
        json.WriteStartObject();
        json.WriteString("server", server.Server);
        json.WriteString("probe", server.Probe.Kind.ToString());
        WriteNumberOrNull(json, "statusCode", server.Probe.StatusCode);
        json.WriteNumber("latencyMs", Math.Round(server.Probe.Latency.TotalMilliseconds));
        json.WriteString("probeDetail", server.Probe.Detail);
        json.WriteNumber("attempts", server.Probe.Attempts);
        WriteNumberOrNull(json, "throughputBytesPerSecond", server.Probe.Throughput is { } rate ? Math.Round(rate.BytesPerSecond) : null);
        WriteNumberOrNull(json, "certificateExpiresInDays", server.Probe.CertificateExpiresIn is { } left ? Math.Round(left.TotalDays, 1) : null);
        WriteTimings(json, server.Probe.Timings);
        WriteNumberOrNull(json, "reports", server.Reports);
        WriteNumberOrNull(json, "componentId", server.ComponentId);
        WriteStringOrNull(json, "current", server.Current?.ToString());
        WriteStringOrNull(json, "desired", server.HasDesired ? server.Desired.Status.ToString() : null);
        json.WriteString("reason", server.Desired.Reason);
        json.WriteString("action", SummaryTable.ActionLabel(server.Action));
        WriteStringOrNull(json, "error", server.Error);
        WriteStringOrNull(json, "note", server.Note);
        json.WriteEndObject();
    }

    /// <summary>With <c>Probe.Timings</c>: milliseconds per phase, null for one that did not happen.</summary>
    private static void WriteTimings(Utf8JsonWriter json, ProbeTimings? timings)
    {
        if (timings is null)
        {
            return;
        }

        json.WriteStartObject("timings");
        WriteNumberOrNull(json, "dnsMs", Milliseconds(timings.Dns));
        WriteNumberOrNull(json, "connectMs", Milliseconds(timings.Connect));
        WriteNumberOrNull(json, "tlsMs", Milliseconds(timings.Tls));
        WriteNumberOrNull(json, "firstByteMs", Milliseconds(timings.FirstByte));
        WriteNumberOrNull(json, "bodyMs", Milliseconds(timings.Body));
        json.WriteEndObject();
    }

    private static double? Milliseconds(TimeSpan? value) => value is { } span ? Math.Round(span.TotalMilliseconds, 1) : null;

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
