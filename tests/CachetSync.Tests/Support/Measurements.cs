using System.Diagnostics.Metrics;
using CachetSync.Telemetry;

namespace CachetSync.Tests.Support;

/// <summary>One measurement of a CachetSync instrument, as a listener (any exporter) receives it.</summary>
public sealed record Measured(string Instrument, double Value, Dictionary<string, object?> Tags)
{
    public object? this[string tag] => Tags.GetValueOrDefault(tag);

    /// <summary>
    /// Records every measurement of CachetSync's meters while <paramref name="act"/> runs, observable instruments
    /// included (read once at the end). Tests run in parallel: filter by a tag only this test's run can have.
    /// </summary>
    public static async Task<List<Measured>> WhileAsync(Func<Task> act)
    {
        var measured = new List<Measured>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meter) =>
        {
            if (instrument.Meter.Name == CycleTelemetry.Name)
            {
                meter.EnableMeasurementEvents(instrument);
            }
        };
        void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value);
            lock (measured)
            {
                measured.Add(new Measured(instrument.Name, value, copy));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.Start();
        await act();
        listener.RecordObservableInstruments();
        lock (measured)
        {
            return [.. measured];
        }
    }
}
