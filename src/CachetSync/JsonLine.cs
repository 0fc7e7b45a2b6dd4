using System.Text.Json;

namespace CachetSync;

/// <summary>Writes one JSON value as one line (JSON Lines), for the machine-readable outputs on stdout.</summary>
public static class JsonLine
{
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
