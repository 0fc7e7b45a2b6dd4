using System.Text;
using CachetSync.Reports;

namespace CachetSync.Tests.Reports;

public sealed class ReportCountsParserTests
{
    private static readonly ReportWindow Window = new(
        new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static ReportCounts Parse(string json, ReportShape shape) => ReportCountsParser.Parse(Encoding.UTF8.GetBytes(json), shape, Window);

    [Fact]
    public void Count_list_adds_rows_of_one_key_and_reads_configured_property_names()
    {
        var shape = new ReportShape(ReportFormat.CountList, "host", "timeouts", "at");

        var counts = Parse("""[ { "host": "edge-1", "timeouts": 4 }, { "host": "edge-2", "timeouts": 30 }, { "host": "EDGE-1", "timeouts": 9 } ]""", shape);

        counts.For("edge-1").Should().Be(13);
        counts.For("edge-2").Should().Be(30);
    }

    [Fact]
    public void Count_list_rows_give_their_audience_and_rows_of_one_key_add_up()
    {
        var shape = new ReportShape(ReportFormat.CountList, "server", "count", "at") { AudienceProperty = "sessions" };

        var counts = Parse("""
            [ { "server": "edge-1", "count": 12, "sessions": 2000 }, { "server": "EDGE-1", "count": 3, "sessions": 400 },
              { "server": "edge-2", "count": 5, "sessions": 900 }, { "server": "edge-2", "count": 1 },
              { "server": "edge-3", "count": 4, "sessions": null }, { "server": "edge-4", "count": 4, "sessions": "many" },
              { "server": "edge-5", "count": 4, "sessions": -1 }, { "server": "edge-6", "count": 0, "sessions": 1.5 } ]
            """, shape);

        counts.Tally("edge-1").Should().Be(new ServerReports(15, 2400, ReportCounts.DefaultMinAudience));
        counts.Tally("edge-2").Should().Be(new ServerReports(6, null, ReportCounts.DefaultMinAudience),
            "a row without an audience leaves the sum too small, and the rate too high: unknown");
        counts.Tally("edge-3")!.Value.Audience.Should().BeNull();
        counts.Rejected.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["edge-4"] = "audience \"many\" is not a whole number",
            ["edge-5"] = "audience -1 is not a number of viewers",
            ["edge-6"] = "audience 1.5 is not a whole number",
        });
    }

    [Fact]
    public void A_report_file_with_a_utf8_byte_order_mark_is_read()
    {
        var counts = ReportCountsParser.Parse([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("""{ "edge-1": 7 }""")], ReportShape.CountMap, Window);

        counts.For("edge-1").Should().Be(7);
    }

    [Fact]
    public void A_count_map_key_given_twice_is_unusable_not_summed()
    {
        var counts = Parse("""{ "edge-1": 3, "EDGE-1": 50, "edge-2": 4 }""", ReportShape.CountMap);

        counts.For("edge-1").Should().BeNull("3 or 50? The map cannot say, and a sum of 53 says neither");
        counts.For("edge-2").Should().Be(4);
    }

    [Fact]
    public void Report_list_counts_only_reports_inside_the_window()
    {
        var shape = ReportShape.CountMap with { Format = ReportFormat.ReportList };

        var counts = Parse("""
            [ { "server": "edge-1", "at": "2026-11-26T06:00:00Z" },
              { "server": "edge-1", "at": "2026-11-26T07:59:59Z" },
              { "server": "edge-1", "at": "2026-11-26T08:00:00Z" },
              { "server": "edge-1", "at": "2026-11-26T05:59:59Z" },
              { "server": "edge-2", "at": "2026-11-26T09:30:00+02:00" },
              { "server": "edge-3", "at": "2026-11-26T01:00:00Z" } ]
            """, shape);

        counts.For("edge-1").Should().Be(2, "since is inclusive, until exclusive");
        counts.For("edge-2").Should().Be(1, "09:30+02:00 is 07:30 UTC");
        counts.For("edge-3").Should().Be(0);
        counts.Rejected.Should().BeEmpty();
    }

    [Fact]
    public void Report_with_an_unreadable_time_rejects_its_server_only()
    {
        var shape = ReportShape.CountMap with { Format = ReportFormat.ReportList };

        var counts = Parse("""[ { "server": "a", "at": "yesterday" }, { "server": "a", "at": "2026-11-26T07:00:00Z" }, { "server": "b", "at": "2026-11-26T07:00:00Z" } ]""", shape);

        counts.For("a").Should().BeNull();
        counts.Rejected["a"].Should().Be("report time \"yesterday\" is not an ISO-8601 time");
        counts.For("b").Should().Be(1);
    }

    [Theory]
    [InlineData("""{ "a": 1 }""", ReportFormat.CountList, "expected a JSON array (CountList), got a JSON object")]
    [InlineData("""[ { "count": 1 } ]""", ReportFormat.CountList, "a row has no \"server\" string: { \"count\": 1 }")]
    [InlineData("""[ 1, 2 ]""", ReportFormat.ReportList, "a row has no \"server\" string: 1")]
    public void Wrong_shape_is_a_source_error(string json, ReportFormat format, string expected)
    {
        var act = () => Parse(json, ReportShape.CountMap with { Format = format });

        act.Should().Throw<ReportSourceException>().WithMessage(expected);
    }

    [Fact]
    public void Count_list_row_with_a_missing_or_bad_count_rejects_that_server()
    {
        var counts = Parse("""[ { "server": "a" }, { "server": "b", "count": "7" }, { "server": "c", "count": 7 } ]""", ReportShape.CountMap with { Format = ReportFormat.CountList });

        counts.Rejected.Should().ContainKeys("a", "b");
        counts.Rejected["a"].Should().Be("nothing is not a count");
        counts.For("c").Should().Be(7);
    }
}
