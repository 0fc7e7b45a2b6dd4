using CachetSync.Configuration;
using Newtonsoft.Json.Linq;

namespace CachetSync.Tests.Configuration;

/// <summary>
/// The reader is where each key is spelled, typed and bounded: it tells a <see cref="KeyCatalog"/> what it read. The
/// editor's schema, appsettings.schema.json, must say the same of every key — its name, its kind, its range — so a
/// key added, renamed or re-bounded in the reader fails here until the schema follows. docs/configuration.md must
/// name every key under its section, and say a duration's range where it is not the usual one.
/// </summary>
public sealed class SchemaAgainstReaderTests
{
    private static readonly JObject Schema = JObject.Parse(File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "appsettings.schema.json")));

    /// <summary>Configurations that lead the reader down every branch: each report source, a server with a probe request and thresholds of its own, a group.</summary>
    private static readonly string[] EveryBranch =
    [
        """
        {
          "Cachet": { "Resilience": { } }, "Schedule": { }, "Damping": { }, "State": { }, "Incidents": { }, "Metrics": { },
          "Telemetry": { "Prometheus": { } }, "Guard": { }, "Heartbeat": { },
          "Probe": { "Auth": { "Bearer": "b" }, "Throughput": { "MinRate": "1MiB/s" }, "Expect": { "Pointer": "/a", "Equals": "b" } },
          "Thresholds": { "Reports": [ { "AtLeast": 1, "Status": "PartialOutage" }, { "PerThousandAtLeast": 1, "Status": "MajorOutage" } ] },
          "Reports": { "Source": "Http", "Url": "https://reports.test/" },
          "Servers": [
            { "Name": "a", "Url": "https://a.test/", "ComponentId": 1,
              "Thresholds": { "Reports": [ { "AtLeast": 1, "Status": "PartialOutage" }, { "PerThousandAtLeast": 1, "Status": "MajorOutage" } ] },
              "Probe": { "Auth": { "User": "u", "Password": "p" }, "Throughput": { "MinRate": "1MiB/s" }, "Expect": { "Pointer": "/a", "Equals": "b" } } },
            { "Group": "g", "Url": "https://{slug}.test/", "Thresholds": { "Slow": "PartialOutage" }, "Probe": { "Method": "GET" } }
          ]
        }
        """,
        """{ "Reports": { "Source": "Sql", "Sql": { "Provider": "Sqlite", "ConnectionString": "Data Source=r.db" } } }""",
        """{ "Reports": { "Source": "Prometheus", "Url": "http://prometheus.test:9090", "Query": "q" } }""",
        """{ "Reports": { "Source": "File", "Path": "reports.json" } }""",
    ];

    private static readonly KeyCatalog Catalog = Read();

    private static KeyCatalog Read()
    {
        var catalog = new KeyCatalog();
        foreach (var configuration in EveryBranch)
        {
            SettingsReader.Read(ConfigTree.Parse(configuration), dryRun: true, catalog: catalog);
        }

        return catalog;
    }

    public static TheoryData<string> Sections() => [.. Catalog.Uses.Keys.Select(use => use.Section).Distinct().Order()];

    [Theory]
    [MemberData(nameof(Sections))]
    public void The_schema_lists_the_keys_the_reader_reads(string section)
    {
        var read = Catalog.Uses.Keys.Where(use => use.Section == section).Select(use => use.Key);
        var listed = ((JObject)At(section)["properties"]!).Properties().Select(property => property.Name)
            .Except(section.Length == 0 ? SettingsReader.ForeignSections : []);

        listed.Should().BeEquivalentTo(read, $"appsettings.schema.json's {Name(section)} lists what the reader reads there");
    }

    public static TheoryData<string, string> Keys() => KeysWhere(_ => true);

    /// <summary>(section, key) of every key read that <paramref name="wanted"/> picks, in order.</summary>
    private static TheoryData<string, string> KeysWhere(Func<(string Section, string Key), bool> wanted)
    {
        var keys = new TheoryData<string, string>();
        foreach (var (section, key) in Catalog.Uses.Keys.Where(wanted).Order())
        {
            keys.Add(section, key);
        }

        return keys;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void The_schema_gives_each_key_the_kind_and_range_the_reader_holds_it_to(string section, string key)
    {
        var use = Catalog.Uses[(section, key)];
        var property = (JObject)At(section)["properties"]![key]!;
        var because = $"the reader reads {Name(section)}.{key} as {use.Kind} ({use.Min}..{use.Max})";
        var description = property["description"]?.Value<string>() ?? "";

        switch (use.Kind)
        {
            case "int" when property["enum"] is JArray values:
                values.Select(value => value.ToString()).Should().Contain(IntegersBetween(use), because);
                break;
            case "int":
                Types(property).Should().Contain("integer", because);
                property["minimum"]?.ToString().Should().Be(use.Min, because);
                (property["maximum"]?.ToString() ?? int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).Should().Be(use.Max, because);
                break;
            case "bool":
                Types(property).Should().Contain("boolean", because);
                break;
            case "string" or "secret" or "rate":
                Types(property).Should().Contain("string", because);
                break;
            case "duration":
                Refs(property).Should().Contain("#/definitions/duration", because);
                BoundsSaid(description, use, because);
                break;
            case "durationOrOff":
                Alternatives(property).SelectMany(alternative => alternative["enum"]?.Values<string>() ?? []).Should().Contain("off", because);
                break;
            case "size":
                Refs(property).Should().Contain("#/definitions/size", because);
                break;
            case "status":
                Refs(property).Should().Contain("#/definitions/status", because);
                break;
            case "enum":
                property["enum"]!.Values<string>().Should().BeEquivalentTo(use.Values, because);
                break;
            case "perThousand" or "share":
                Types(property).Should().Contain("number", because);
                property["exclusiveMinimum"]?.ToString().Should().Be(use.Min, because);
                property["maximum"]?.ToString().Should().Be(use.Max, because);
                break;
            case "object":
                Types(property).Should().ContainSingle().Which.Should().Be(Catalog.Shapes.GetValueOrDefault(Sub(section, key)) == "list" ? "array" : "object", because);
                break;
            default:
                throw new InvalidOperationException($"no check for {use.Kind}");
        }
    }

    /// <summary>Every key below the top level (the top-level keys are sections of their own on the page).</summary>
    public static TheoryData<string, string> DocumentedKeys() => KeysWhere(use => use.Section.Length > 0);

    [Theory]
    [MemberData(nameof(DocumentedKeys))]
    public void The_configuration_page_names_each_key_under_its_section_with_its_range(string section, string key)
    {
        var use = Catalog.Uses[(section, key)];
        // A server's own thresholds and probe request take the keys of the sections they override.
        var documented = section.Replace("Servers[].Thresholds", "Thresholds", StringComparison.Ordinal).Replace("Servers[].Probe", "Probe", StringComparison.Ordinal)
            .Replace("[]", "", StringComparison.Ordinal);
        var top = documented.Split('.')[0];
        var text = PageSection(top);
        // Below the section's top level a key is written with its path ("Resilience.MaxRetries"), in full
        // ("Damping.ToWorse"), alone, or quoted as in JSON ({ "Path", "Bytes" }); a section by its keys ("Prometheus.Listen").
        var nested = string.Join('.', documented.Split('.').Skip(1).Append(key));
        string[] forms = [$"`{key}`", $"`{nested}`", $"`{documented}.{key}`", $"\"{key}\"", .. use.Kind == "object" ? [$"`{nested}."] : Array.Empty<string>()];

        text.Should().Match(
            page => forms.Any(form => page.Contains(form, StringComparison.Ordinal)),
            $"docs/configuration.md's {top} section names {section}.{key}");
        if (use.Kind == "duration" && use.Max != DurationText.Format(ConfigNode.DefaultMaxDuration) && Row(text, key, nested) is { } row)
        {
            row.Should().Contain($"`{use.Max}`", $"the row of {section}.{key} says its range (at most {use.Max})");
        }
    }

    private static string PageSection(string top)
    {
        var page = File.ReadAllText(Path.Combine(SettingsReaderTests.RepositoryRoot(), "docs", "configuration.md"));
        var start = page.IndexOf($"\n## `{top}`", StringComparison.Ordinal);
        start = start >= 0 ? start : page.IndexOf($"and `{top}`", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, $"docs/configuration.md has a section on {top}");
        var end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? page[start..] : page[start..end];
    }

    /// <summary>The table row that starts with the key, if the section has one.</summary>
    private static string? Row(string text, string key, string nested) =>
        text.Split('\n').FirstOrDefault(line => line.StartsWith($"| `{key}`", StringComparison.Ordinal) || line.StartsWith($"| `{nested}`", StringComparison.Ordinal));

    /// <summary>A duration's range is not the schema's to check (a pattern cannot compare), so its description says it.</summary>
    private static void BoundsSaid(string description, KeyCatalog.KeyUse use, string because)
    {
        if (use.Max != DurationText.Format(ConfigNode.DefaultMaxDuration))
        {
            description.Should().Contain(use.Max, because);
        }

        if (use.Min != DurationText.Format(TimeSpan.Zero))
        {
            description.Should().Contain(use.Min, because);
        }
    }

    private static IEnumerable<string> IntegersBetween(KeyCatalog.KeyUse use) =>
        Enumerable.Range(int.Parse(use.Min!, System.Globalization.CultureInfo.InvariantCulture), int.Parse(use.Max!, System.Globalization.CultureInfo.InvariantCulture) - int.Parse(use.Min!, System.Globalization.CultureInfo.InvariantCulture) + 1)
            .Select(value => value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Name(string section) => section.Length == 0 ? "top level" : section;

    private static string Sub(string section, string key) => section.Length == 0 ? key : $"{section}.{key}";

    /// <summary>The schema of a section: "Servers[].Probe" walks properties, list items and $refs.</summary>
    private static JObject At(string section)
    {
        var node = Schema;
        if (section.Length == 0)
        {
            return node;
        }

        foreach (var part in section.Split('.'))
        {
            var list = part.EndsWith("[]", StringComparison.Ordinal);
            node = Resolve(node["properties"]![list ? part[..^2] : part]!);
            if (list)
            {
                node = Resolve(node["items"]!);
            }
        }

        return node;
    }

    private static JObject Resolve(JToken node) =>
        node["$ref"] is { } reference ? (JObject)Schema.SelectToken(reference.Value<string>()!.TrimStart('#', '/').Replace('/', '.'))! : (JObject)node;

    /// <summary>The property itself and each of its anyOf/oneOf alternatives, $refs followed.</summary>
    private static IEnumerable<JObject> Alternatives(JObject property) =>
        new[] { property, Resolve(property) }
            .Concat(new[] { "anyOf", "oneOf" }.SelectMany(keyword => property[keyword]?.Children<JObject>() ?? []).SelectMany(alternative => new[] { alternative, Resolve(alternative) }))
            .Distinct();

    private static IEnumerable<string> Types(JObject property) =>
        Alternatives(property).SelectMany(alternative => alternative["type"] switch
        {
            JArray types => types.Values<string>(),
            JValue type => [type.Value<string>()],
            _ => [],
        }).OfType<string>().Distinct();

    private static IEnumerable<string> Refs(JObject property) =>
        new[] { property }.Concat(new[] { "anyOf", "oneOf" }.SelectMany(keyword => property[keyword]?.Children<JObject>() ?? []))
            .Select(alternative => alternative["$ref"]?.Value<string>()).OfType<string>();
}
