using CachetSync.Configuration;
using CachetSync.Sync;
using CachetSync.Thresholds;

namespace CachetSync.Tests.Sync;

/// <summary>Rendezvous sharding over server names: one owner each, stable, and minimal movement.</summary>
public sealed class ShardTests
{
    private static readonly string[] Fleet = Enumerable.Range(1, 10_000).Select(i => $"stream-{i:00000}").ToArray();

    private static int[] Owners(IEnumerable<string> names, int count) => names.Select(name => Shard.Owner(name, count)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void The_shards_are_disjoint_cover_the_fleet_and_are_balanced(int count)
    {
        var servers = Fleet.Select(name => new ServerSettings { Name = name, Url = new Uri("http://s.test/"), Component = name }).ToList();

        var shards = Enumerable.Range(0, count).Select(index => new Shard(index, count).Filter(servers).Select(server => server.Name).ToList()).ToList();

        var owned = shards.SelectMany(names => names).ToList();
        owned.Should().HaveCount(Fleet.Length).And.OnlyHaveUniqueItems();
        owned.ToHashSet().SetEquals(Fleet).Should().BeTrue("every server has an owner");
        shards.Should().OnlyContain(names => Math.Abs(names.Count - (Fleet.Length / count)) < Fleet.Length / count * 0.1,
            "each shard owns its share within 10 %");
    }

    [Fact]
    public void Owners_do_not_depend_on_the_process()
    {
        // Fixed once: a change here would reshuffle every deployed fleet between two runs of different versions.
        Owners(["stream-00001", "stream-00002", "stream-00003", "edge-eu-1", "Ünïcode edge"], 4).Should().Equal(GoldenOwners);
    }

    private static readonly int[] GoldenOwners = [3, 2, 0, 1, 1];

    [Fact]
    public void Adding_a_server_moves_no_other_server()
    {
        var before = Owners(Fleet, 5);

        var after = Owners(Fleet.Append("stream-new"), 5);

        after.Take(Fleet.Length).Should().Equal(before);
    }

    [Fact]
    public void A_new_shard_takes_only_its_share_and_only_for_itself()
    {
        var fourWays = Owners(Fleet, 4);
        var fiveWays = Owners(Fleet, 5);

        var moved = Enumerable.Range(0, Fleet.Length).Where(i => fourWays[i] != fiveWays[i]).ToList();

        moved.Should().OnlyContain(i => fiveWays[i] == 4, "a server moves only to the new shard");
        moved.Count.Should().BeInRange(1_800, 2_200, "about one fifth moves");
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void A_shard_reads_as_index_over_count(string text, int index, int count)
    {
        Shard.TryParse(text, out var shard).Should().BeTrue();
        shard.Should().Be(new Shard(index, count));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("0/1001")]
    public void A_shard_out_of_range_is_refused(string text) => Shard.TryParse(text, out _).Should().BeFalse();
}
