using CachetSync.Probing;

namespace CachetSync.Tests.Probing;

public sealed class LookupThreadsTests
{
    [Fact]
    public async Task Threads_are_started_by_the_lookups_waiting_never_past_the_bound_and_end_once_idle()
    {
        var lookups = new LookupThreads(most: 3);
        lookups.Alive.Should().Be(0, "no thread is started before a name is looked up");

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => lookups.ResolveAsync("localhost", CancellationToken.None)));

        answers.Should().OnlyContain(addresses => addresses.Length > 0);
        lookups.Alive.Should().BeInRange(1, 3);
        // Each ends after two idle seconds; waited for, never timed: a busy machine only makes this slower.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (lookups.Alive > 0 && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(100);
        }

        lookups.Alive.Should().Be(0, "a worker between cycles keeps no lookup thread");
        (await lookups.ResolveAsync("localhost", CancellationToken.None)).Should().NotBeEmpty("a thread is started again for the next cycle");
    }

    [Theory]
    [InlineData(2, "64 TLS handshakes", "64 name lookups")]
    [InlineData(64, "128 TLS handshakes", "128 name lookups")]
    public void The_turns_and_so_the_threads_are_bounded_whatever_the_node(int cores, string handshakes, string lookups)
    {
        var gate = new SetupGate(cores);

        gate.TurnsFor(new Uri("https://edge.example/")).Should().Be(handshakes);
        gate.TurnsFor(new Uri("http://edge.example/")).Should().Be(lookups, "a 64-core node gets 256 lookup threads at most, not 4 096");
    }
}
