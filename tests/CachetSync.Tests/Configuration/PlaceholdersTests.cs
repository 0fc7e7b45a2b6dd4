using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>The one placeholder filler and the one absolute-URL check every configured text and address goes through.</summary>
public sealed class PlaceholdersTests
{
    [Fact]
    public void Names_match_ignoring_case_and_unknown_ones_stay_as_written() =>
        Placeholders.Fill("{Server} is {STATUS} ({nope})", ("server", "edge-1"), ("Status", "down")).Should().Be("edge-1 is down ({nope})");

    [Fact]
    public void A_value_is_never_filled_in_again() =>
        Placeholders.Fill("{Server}: {Status}", ("Server", "{Status}"), ("Status", "down")).Should().Be("{Status}: down");

    [Theory]
    [InlineData("/state/cachetsync-{shard}.json", true)]
    [InlineData("/state/cachetsync-{SHARD}.json", true)]
    [InlineData("/state/cachetsync-shard.json", false)]
    public void Mentions_finds_a_placeholder_by_name(string template, bool mentions) =>
        Placeholders.Mentions(template, "shard").Should().Be(mentions);

    [Theory]
    [InlineData("https://status.example.com/", true)]
    [InlineData(" https://status.example.com ", true)]
    [InlineData("ftp://status.example.com/", false)]
    [InlineData("status.example.com", false)]
    [InlineData("/relative/path", false)]
    [InlineData("http://", false)]
    public void An_address_is_an_absolute_url_of_an_allowed_scheme_with_a_host(string text, bool valid) =>
        (UrlText.Absolute(text, UrlText.Web) is not null).Should().Be(valid);
}
