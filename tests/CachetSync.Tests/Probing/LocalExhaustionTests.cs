using System.Net.Sockets;
using CachetSync.Probing;

namespace CachetSync.Tests.Probing;

/// <summary>Running out of sockets or files here is this machine's failure, never the server's outage.</summary>
public sealed class LocalExhaustionTests
{
    [Theory]
    [InlineData(SocketError.TooManyOpenSockets, "EMFILE")]
    [InlineData(SocketError.NoBufferSpaceAvailable, "ENOBUFS")]
    [InlineData(SocketError.AddressNotAvailable, "EADDRNOTAVAIL")]
    public void Local_resource_errors_are_not_probed_not_network_errors(SocketError error, string name)
    {
        var failure = new HttpRequestException(HttpRequestError.ConnectionError, "connect failed", new SocketException((int)error));

        var (kind, detail) = ProbeFailureClassifier.Classify(failure);

        kind.Should().Be(ProbeKind.NotProbed);
        detail.Should().StartWith("not probed: this machine").And.EndWith($"({name})");
    }

    [Theory]
    [InlineData(1024L, 20, 4096, 972)]
    [InlineData(64L, 30, 4096, 2)]
    [InlineData(40L, 30, 4096, 1)]
    [InlineData(1_048_576L, 20, 4096, 4096)]
    [InlineData(null, 20, 4096, 4096)]
    public void The_probe_budget_is_what_the_open_file_limit_leaves(long? limit, int openNow, int configured, int budget) =>
        OpenFileLimit.ProbeBudget(configured, limit, openNow).Should().Be(budget);

    [Fact]
    public void The_soft_limit_is_raised_to_the_hard_limit_on_linux()
    {
        var soft = OpenFileLimit.RaiseToHardLimit();

        soft.Should().NotBeNull("the tests run on Linux");
        File.ReadAllLines("/proc/self/limits").Single(line => line.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5].Distinct().Should().ContainSingle("soft equals hard now");
    }
}
