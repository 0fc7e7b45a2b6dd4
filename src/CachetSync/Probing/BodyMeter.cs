using System.Buffers;

namespace CachetSync.Probing;

/// <summary>
/// Reads a body up to a limit, dropping the bytes as they come (only the first <paramref name="keep"/> are kept, for
/// <c>Expect</c>), and times them: the rate members would see. What it has counted stays readable when the read is
/// cancelled, so a stall can say how far the body got. Made when the headers are in.
/// </summary>
public sealed class BodyMeter(TimeProvider time, int keep)
{
    private const int ChunkBytes = 16 * 1024;
    private readonly long _headersAt = time.GetTimestamp();
    // Grown as bytes come: a health answer is a few hundred bytes, and thousands of probes may each keep up to 64 KiB.
    private byte[] _kept = [];
    private int _keptLength;
    private long? _firstAt;
    private long _firstBytes;
    private long _lastAt;

    public long Bytes { get; private set; }

    /// <summary>The body ended before the limit: what was kept is all of it.</summary>
    public bool Ended { get; private set; }

    public ReadOnlyMemory<byte> Kept => _kept.AsMemory(0, _keptLength);

    public async Task ReadAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (Bytes < limit)
            {
                var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ChunkBytes, limit - Bytes)), cancellationToken);
                if (read == 0)
                {
                    Ended = true;
                    return;
                }

                Count(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// From the first body byte to the last. The first read's bytes had all arrived by the time it returned, so they
    /// are not counted over the interval; a body that came in one read is timed from the headers.
    /// </summary>
    public double BytesPerSecond()
    {
        var (from, bytes) = _firstAt is { } first && Bytes > _firstBytes ? (first, Bytes - _firstBytes) : (_headersAt, Bytes);
        // A floor for a body that was all buffered already: "faster than this clock can tell", not infinity.
        return bytes / Math.Max(time.GetElapsedTime(from, _lastAt).TotalSeconds, 1e-4);
    }

    private void Count(ReadOnlySpan<byte> chunk)
    {
        var now = time.GetTimestamp();
        if (_firstAt is null)
        {
            (_firstAt, _firstBytes) = (now, chunk.Length);
        }

        _lastAt = now;
        var room = Math.Min(chunk.Length, keep - _keptLength);
        if (_keptLength + room > _kept.Length)
        {
            Array.Resize(ref _kept, Math.Min(keep, Math.Max(_keptLength + room, _kept.Length * 2)));
        }

        chunk[..room].CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += room;
        Bytes += chunk.Length;
    }
}
