using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CachetSync.Output;

/// <summary>
/// The machine-readable outputs on stdout, one JSON value per line (JSON Lines across worker cycles), through a
/// source-generated context (no reflection, so the native build writes them too). Text is written as UTF-8, not
/// <c>\u00FC</c>: whatever reads it is a JSON parser, not an HTML page; control characters are still escaped.
/// </summary>
public static class OutputJson
{
    private static readonly JsonSerializerOptions Options = new(OutputJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = OutputJsonContext.Default,
    };

    public static void WriteLine<T>(TextWriter output, T value) =>
        output.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T))));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SummaryDocument))]
[JsonSerializable(typeof(List<ComponentDocument>))]
internal sealed partial class OutputJsonContext : JsonSerializerContext;
