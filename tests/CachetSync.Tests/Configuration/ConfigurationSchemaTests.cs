using CachetSync.Configuration;
using CachetSync.Thresholds;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace CachetSync.Tests.Configuration;

/// <summary>appsettings.schema.json is what editors complete and check keys with: it must agree with the code.</summary>
public sealed class ConfigurationSchemaTests
{
    private static readonly string Root = SettingsReaderTests.RepositoryRoot();

    private static async Task<JsonSchema> Schema() => await JsonSchema.FromFileAsync(Path.Combine(Root, "appsettings.schema.json"));

    private static JObject Raw() => JObject.Parse(File.ReadAllText(Path.Combine(Root, "appsettings.schema.json")));

    [Fact]
    public async Task Example_configuration_validates_against_the_schema()
    {
        var example = File.ReadAllText(Path.Combine(Root, "appsettings.example.json"));

        (await Schema()).Validate(example).Should().BeEmpty();
        JObject.Parse(example)["$schema"]!.Value<string>().Should().Be("./appsettings.schema.json");
    }

    [Fact]
    public async Task Schema_catches_what_the_reader_rejects()
    {
        var errors = (await Schema()).Validate("""
            { "Probe": { "Timeuot": "5s", "Timeout": "5" },
              "Servers": [ { "Name": "a", "Url": "ftp://a.test" } ],
              "Thresholds": { "StatusCodes": { "5xx": "MajorOutage" }, "Slow": "Sluggish" } }
            """);

        Flatten(errors).Select(error => error.Path).Should().Contain(
            ["#/Probe.Timeuot", "#/Probe.Timeout", "#/Servers[0].Url", "#/Servers[0]", "#/Thresholds.StatusCodes.5xx", "#/Thresholds.Slow"]);
    }

    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(IEnumerable<NJsonSchema.Validation.ValidationError> errors) =>
        errors.SelectMany(error => error is NJsonSchema.Validation.ChildSchemaValidationError child
            ? child.Errors.Values.SelectMany(Flatten).Prepend(error)
            : [error]);

    public static TheoryData<string, string[]> Sections => new()
    {
        { "properties", [.. SettingsReader.Sections, .. SettingsReader.ForeignSections] },
        { "properties.Cachet.properties", CachetSettings.Keys },
        { "properties.Cachet.properties.Resilience.properties", CachetSettings.ResilienceKeys },
        { "properties.Schedule.properties", ScheduleSettings.Keys },
        { "properties.Probe.properties", ProbeSettings.Keys },
        { "definitions.probeRequest.properties", ProbeRequest.Keys },
        { "definitions.probeAuth.properties", ProbeRequest.AuthKeys },
        { "definitions.throughput.properties", ThroughputSettings.Keys },
        { "definitions.expect.properties", ExpectSettings.Keys },
        { "properties.Reports.properties", ReportSettings.Keys },
        { "properties.Reports.properties.Sql.properties", SqlReportSettings.Keys },
        { "definitions.thresholds.properties", ThresholdSettings.Keys },
        { "definitions.thresholds.properties.Reports.items.properties", ThresholdSettings.ReportThresholdKeys },
        { "properties.Servers.items.properties", ServerSettings.Keys },
        { "properties.Damping.properties", DampingSettings.Keys },
        { "properties.State.properties", StateSettings.Keys },
        { "properties.Incidents.properties", IncidentSettings.Keys },
        { "properties.Metrics.properties", MetricSettings.Keys },
        { "properties.Telemetry.properties", TelemetrySettings.Keys },
        { "properties.Telemetry.properties.Prometheus.properties", TelemetrySettings.PrometheusKeys },
        { "properties.Guard.properties", GuardSettings.Keys },
        { "properties.Heartbeat.properties", HeartbeatSettings.Keys },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Schema_and_settings_classes_list_the_same_keys(string schemaPath, string[] keys)
    {
        var properties = (JObject)Raw().SelectToken(schemaPath)!;

        properties.Properties().Select(property => property.Name).Should().BeEquivalentTo(keys);
    }
}
