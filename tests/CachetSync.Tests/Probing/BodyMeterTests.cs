using CachetSync.Probing;
using Microsoft.Extensions.Time.Testing;

namespace CachetSync.Tests.Probing;

/// <summary>The rate arithmetic, on a body whose chunks arrive on a fake clock (the sockets are in ThroughputProbeTests).</summary>
public sealed class BodyMeterTests
{
    /// <summary>Hands out one chunk per read, each <paramref name="gap"/> after the previous one.</summary>
    private sealed class TricklingStream(FakeTimeProvider clock, int chunks, int chunkBytes, TimeSpan gap) : Stream
    {
        private int _served;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_served == chunks)
            {
                return 0;
            }

            if (_served++ > 0)
            {
                clock.Advance(gap);
            }

            return Math.Min(count, chunkBytes);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task The_rate_runs_from_the_first_body_byte_to_the_last_without_the_bytes_already_there()
    {
        var clock = new FakeTimeProvider();
        var meter = new BodyMeter(clock, keep: 0);
        clock.Advance(TimeSpan.FromSeconds(5)); // a slow first byte is latency, not throughput

        // 16 chunks of 16 KiB, 100 ms apart: 15 of them arrived over 1.5 s after the first.
        await meter.ReadAsync(new TricklingStream(clock, 16, 16 * 1024, TimeSpan.FromMilliseconds(100)), 1 << 20, CancellationToken.None);

        meter.Bytes.Should().Be(256 * 1024);
        meter.Ended.Should().BeTrue();
        meter.BytesPerSecond().Should().BeApproximately(15 * 16 * 1024 / 1.5, 0.001);
    }

    [Fact]
    public async Task A_body_in_one_read_is_timed_from_the_headers()
    {
        var clock = new FakeTimeProvider();
        var meter = new BodyMeter(clock, keep: 0);
        clock.Advance(TimeSpan.FromMilliseconds(500));

        await meter.ReadAsync(new TricklingStream(clock, 1, 8 * 1024, TimeSpan.Zero), 1 << 20, CancellationToken.None);

        meter.BytesPerSecond().Should().BeApproximately(8 * 1024 / 0.5, 0.001);
    }

    [Fact]
    public async Task Reading_stops_at_the_limit_and_keeps_only_what_was_asked()
    {
        var clock = new FakeTimeProvider();
        var meter = new BodyMeter(clock, keep: 100);

        await meter.ReadAsync(new TricklingStream(clock, 100, 16 * 1024, TimeSpan.FromMilliseconds(1)), 40 * 1024, CancellationToken.None);

        meter.Bytes.Should().Be(40 * 1024);
        meter.Ended.Should().BeFalse();
        meter.Kept.Length.Should().Be(100);
    }
}
