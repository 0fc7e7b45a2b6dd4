using System.Text.Json;
using System.Text.Json.Serialization;

namespace CachetSync.Cachet.V3;

/// <summary>Reads a Cachet 3 status written as <c>4</c>, <c>"4"</c> or <c>{"human": "Major Outage", "value": 4}</c>.</summary>
public sealed class Cachet3StatusConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.GetInt32();
            case JsonTokenType.String when int.TryParse(reader.GetString(), out var number):
                return number;
            case JsonTokenType.StartObject:
                var value = -1;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var property = reader.GetString();
                    reader.Read();
                    if (property == "value")
                    {
                        value = Read(ref reader, typeToConvert, options);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                return value >= 0 ? value : throw new JsonException("status object without \"value\"");
            default:
                throw new JsonException($"status is {reader.TokenType}, not a number or {{\"value\": n}}");
        }
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
