using System.Diagnostics.Metrics;
using CachetSync.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;

namespace CachetSync.Tests.Telemetry;

/// <summary>
/// The circuit gauge is read by whoever listens (a scrape, another host in the same process), also while a host and
/// its pipelines are being disposed: a breaker gone with its pipeline drops out of the gauge instead of failing it.
/// </summary>
public sealed class CircuitGaugeTests
{
    private static ResiliencePipelineRegistry<string> PipelineWith(CircuitBreakerStateProvider breaker)
    {
        var registry = new ResiliencePipelineRegistry<string>();
        registry.GetOrAddPipeline("cachet", builder => builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions { StateProvider = breaker }));
        return registry;
    }

    [Fact]
    public void A_breaker_whose_pipeline_was_disposed_drops_out_while_the_live_one_is_still_reported()
    {
        using var telemetry = new CachetCallTelemetry();
        using var live = PipelineWith(telemetry.Breaker("v1", new Uri("http://127.0.0.1:61001/")));
        var gone = PipelineWith(telemetry.Breaker("v1", new Uri("http://127.0.0.1:61002/")));
        gone.Dispose();

        var ports = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, self) =>
        {
            if (instrument.Name == "cachetsync.cachet.circuit.open")
            {
                self.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "server.port", Value: int port and (61001 or 61002) } && value == 0)
                {
                    ports.Add(port);
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        ports.Should().Equal([61001], "the closed breaker of the live pipeline reads 0; the disposed one says nothing");
    }
}
