using System.Buffers.Binary;
using System.Text;

namespace CachetSync.Tests.Support;

/// <summary>
/// Just enough of the protobuf wire format to read what an OTLP exporter sends, without generated classes: a message
/// is a list of (field number, value) where a value is a number or bytes (a string or a nested message).
/// </summary>
public sealed class Protobuf
{
    private readonly List<(int Field, ulong Number, byte[]? Bytes)> _fields = [];

    public Protobuf(ReadOnlySpan<byte> message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message, ref at);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    _fields.Add((field, Varint(message, ref at), null));
                    break;
                case 1:
                    _fields.Add((field, BinaryPrimitives.ReadUInt64LittleEndian(message[at..]), null));
                    at += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    _fields.Add((field, 0, message.Slice(at, length).ToArray()));
                    at += length;
                    break;
                case 5:
                    _fields.Add((field, BinaryPrimitives.ReadUInt32LittleEndian(message[at..]), null));
                    at += 4;
                    break;
                default:
                    throw new FormatException($"wire type {key & 7} of field {field} is not protobuf this reader knows");
            }
        }
    }

    public IEnumerable<Protobuf> Messages(int field) => _fields.Where(f => f.Field == field && f.Bytes is not null).Select(f => new Protobuf(f.Bytes));

    public Protobuf? Message(int field) => Messages(field).FirstOrDefault();

    public string? String(int field) => _fields.Where(f => f.Field == field && f.Bytes is not null).Select(f => Encoding.UTF8.GetString(f.Bytes!)).FirstOrDefault();

    public ulong? Number(int field) => _fields.Where(f => f.Field == field && f.Bytes is null).Select(f => (ulong?)f.Number).FirstOrDefault();

    private static ulong Varint(ReadOnlySpan<byte> message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
