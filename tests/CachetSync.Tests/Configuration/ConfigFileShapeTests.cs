using System.Text;
using CachetSync.Tests.Support;

namespace CachetSync.Tests.Configuration;

/// <summary>Files that are JSON but not quite a configuration: each gets a clear word, never a silent guess.</summary>
public sealed class ConfigFileShapeTests : IDisposable
{
    private const string OneServer = """{ "Servers": [ { "Name": "a", "Url": "http://127.0.0.1:9/", "ComponentId": 1 } ] }""";
    private readonly TestRun _run = new();

    private async Task<int> DryRunAsync(byte[] file)
    {
        var path = _run.WriteConfig("{}");
        await File.WriteAllBytesAsync(path, file);
        return await _run.RunAsync("--config", path, "--once", "--dry-run");
    }

    [Fact]
    public async Task A_file_saved_with_a_utf8_byte_order_mark_is_read()
    {
        (await DryRunAsync([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(OneServer)])).Should().Be(0, _run.Everything);

        _run.Out.ToString().Should().Contain("1 server in");
    }

    [Fact]
    public async Task An_array_is_not_a_configuration()
    {
        (await DryRunAsync(Encoding.UTF8.GetBytes($"[{OneServer}]"))).Should().Be(1);

        _run.Error.ToString().Should().Contain("the configuration must be a JSON object").And.Contain("not an array").And.NotContain("unknown key");
    }

    [Fact]
    public async Task A_key_given_twice_in_one_object_is_named_however_it_is_cased()
    {
        var twice = """{ "Probe": { "Timeout": "2s" }, "Servers": [ { "Name": "a", "name": "b", "Url": "http://127.0.0.1:9/", "ComponentId": 1 } ], "probe": {} }""";

        (await DryRunAsync(Encoding.UTF8.GetBytes(twice))).Should().Be(1);

        _run.Error.ToString().Should().Contain("a key appears twice in one object").And.Contain("Servers[0].name").And.Contain("probe");
    }

    [Fact]
    public async Task An_empty_cron_is_a_mistake_not_the_default()
    {
        (await DryRunAsync(Encoding.UTF8.GetBytes("""{ "Schedule": { "Cron": " " }, "Servers": [] }"""))).Should().Be(1);

        _run.Error.ToString().Should().Contain("Schedule.Cron: is empty");
    }

    [Fact]
    public async Task A_7_MB_url_and_name_are_refused_in_a_few_lines_not_echoed_in_full()
    {
        var huge = new string('x', 7_000_000);
        var config = $$"""{ "Servers": [ { "Name": "{{huge}}", "Url": "http://{{huge}}", "ComponentId": 1 } ] }""";

        (await DryRunAsync(Encoding.UTF8.GetBytes(config))).Should().Be(1);

        var error = _run.Error.ToString();
        error.Should().Contain("Servers[0].Name: is 7000000 characters long: at most 255").And.Contain("Servers[0].Url").And.Contain("more characters)");
        error.Length.Should().BeLessThan(4_000, "each problem quotes at most 500 characters of what it refuses");
    }

    [Fact]
    public void A_table_cell_cannot_pad_every_row_to_its_length()
    {
        using var output = new StringWriter();

        CachetSync.Output.TextTable.Write(output, ["SERVER", "DETAIL"], [[new string('n', 100_000), "ok"], ["edge-1", new string('d', 100_000)]]);

        output.ToString().Split(output.NewLine).Should().OnlyContain(line => line.Length <= CachetSync.Output.TextTable.MaxPaddedCell + 2 + CachetSync.Output.TextTable.MaxLastCell);
    }

    public void Dispose() => _run.Dispose();
}
