namespace CachetSync;

/// <summary>
/// The UTF-8 byte order mark that Windows editors and tools put before JSON, and JSON readers refuse ("'0xEF' is an
/// invalid start of a value"): the configuration and the report counts are read past it.
/// </summary>
public static class ByteOrderMark
{
    /// <summary>How many bytes at the start are the mark: 3 or 0.</summary>
    public static int LengthAt(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith(System.Text.Encoding.UTF8.Preamble) ? System.Text.Encoding.UTF8.Preamble.Length : 0;
}
