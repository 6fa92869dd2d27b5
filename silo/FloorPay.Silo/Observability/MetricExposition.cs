using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace FloorPay.Silo.Observability;

/// <summary>
/// Puts the chosen .NET meters (<see cref="ExportedMeters"/>) on /metrics by Prometheus' conventions: counters as
/// counters ending in "_total", units as base-unit suffixes ("_seconds", "_bytes"), label names in snake case, and each
/// family under its component's prefix ("floorpay_", "floorpay_gateway_", "orleans_", "dotnet_", "kestrel_").
/// prometheus-net's own adapter exports every .NET counter as a gauge, on which rate() is wrong, and names Orleans'
/// families "microsoft_orleans_orleans_*". One per process: meters are process-wide.
/// </summary>
internal sealed class MetricExposition
{
    private static readonly Lazy<MetricExposition> Process = new(() => new MetricExposition(), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] CountBuckets = Histogram.ExponentialBuckets(1, 2, 14); // 1 … 8192

    /// <summary>
    /// Runtime instruments whose declared kind or name breaks the conventions: thread and queue counts declared as
    /// counters although they fall, and gauges named "…count" (a suffix Prometheus keeps for histograms).
    /// </summary>
    private static readonly Dictionary<string, string> RuntimeGauges = new()
    {
        ["dotnet.thread_pool.thread.count"] = "dotnet_thread_pool_threads",
        ["dotnet.thread_pool.queue.length"] = "dotnet_thread_pool_queue_length",
        ["dotnet.timer.count"] = "dotnet_timers",
        ["dotnet.assembly.count"] = "dotnet_assemblies",
        ["dotnet.process.cpu.count"] = "dotnet_process_cpus",
    };

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Family?> _families = new();

    /// <summary>Starts the exposition once for the process; must run before the first scrape.</summary>
    public static void Start() => _ = Process.Value;

    private MetricExposition()
    {
        // The process metrics stay (process_cpu_seconds_total, …); the adapters this class replaces go.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressMeters = true, SuppressEventCounters = true, SuppressDebugMetrics = true, SuppressProcessMetrics = false,
        });
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ExportedMeters.Exported(instrument)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<short>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<byte>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<decimal>((i, v, tags, _) => Record(i, (double)v, tags));
        _listener.Start();
        // Gauges and observable counters are read when scraped, not polled in between.
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() => _listener.RecordObservableInstruments());
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Measurements are taken on the caller's thread, inside a payout or a commit: exporting one must never fail it.
        try
        {
            if (!_families.TryGetValue(instrument, out var family))
                family = _families.GetOrAdd(instrument, Family.For(instrument, tags.ToArray())); // a racing twin names the same metric
            family?.Record(value, tags);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A name or labels prometheus-net refuses (say, two instruments on one name with different tags): this
            // instrument is left out from here on, and the rest are exported as before.
            _families[instrument] = null;
        }
    }

    /// <summary>One exported family: its Prometheus name, labels, kind and the unit conversion of its values.</summary>
    private sealed class Family
    {
        private readonly string[] _tagKeys;
        private readonly Collector _collector;
        private readonly Action<Collector, string[], double> _record;
        private readonly double _scale;

        private Family(string[] tagKeys, Collector collector, Action<Collector, string[], double> record, double scale) =>
            (_tagKeys, _collector, _record, _scale) = (tagKeys, collector, record, scale);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var values = new string[_tagKeys.Length];
            for (var i = 0; i < values.Length; i++) values[i] = "";
            foreach (var tag in tags)
            {
                var at = Array.IndexOf(_tagKeys, tag.Key);
                if (at >= 0) values[at] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }
            _record(_collector, values, value * _scale);
        }

        public static Family For(Instrument instrument, KeyValuePair<string, object?>[] firstTags)
        {
            // The first measurement's tags name the labels: an instrument records the same tag keys every time.
            var tagKeys = firstTags.Select(t => t.Key).Distinct().Order(StringComparer.Ordinal).ToArray();
            var labels = tagKeys.Select(Snake).ToArray();
            var (suffix, scale) = Unit(instrument.Unit);
            var name = Name(instrument);
            if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal)) name += suffix;
            var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
            var factory = Metrics.WithCustomRegistry(Metrics.DefaultRegistry);
            var type = instrument.GetType().GetGenericTypeDefinition();
            if (instrument.Meter.Name == "System.Runtime" && RuntimeGauges.TryGetValue(instrument.Name, out var gaugeName))
            {
                var runtimeGauge = factory.CreateGauge(gaugeName, help, labels);
                return new Family(tagKeys, runtimeGauge, (c, v, x) => ((Prometheus.Gauge)c).WithLabels(v).Set(x), scale);
            }

            if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>))
            {
                var counter = factory.CreateCounter(name + "_total", help, labels);
                // A Counter<T> reports increments; an ObservableCounter<T> reports the running total.
                return type == typeof(Counter<>)
                    ? new Family(tagKeys, counter, (c, v, x) => ((Prometheus.Counter)c).WithLabels(v).Inc(x), scale)
                    : new Family(tagKeys, counter, (c, v, x) => ((Prometheus.Counter)c).WithLabels(v).IncTo(x), scale);
            }
            if (type == typeof(Histogram<>))
            {
                var buckets = suffix == "_seconds" ? SecondsBuckets : CountBuckets;
                var histogram = factory.CreateHistogram(name, help, labels, new HistogramConfiguration { Buckets = buckets });
                return new Family(tagKeys, histogram, (c, v, x) => ((Prometheus.Histogram)c).WithLabels(v).Observe(x), scale);
            }
            var gauge = factory.CreateGauge(name, help, labels);
            // An UpDownCounter<T> reports changes; observable gauges, observable up-down counters and Gauge<T> the value.
            return type == typeof(UpDownCounter<>)
                ? new Family(tagKeys, gauge, (c, v, x) => ((Prometheus.Gauge)c).WithLabels(v).Inc(x), scale)
                : new Family(tagKeys, gauge, (c, v, x) => ((Prometheus.Gauge)c).WithLabels(v).Set(x), scale);
        }
    }

    /// <summary>The family name without its unit suffix: the component's prefix and the instrument's name.</summary>
    internal static string Name(Instrument instrument)
    {
        var name = Snake(instrument.Name);
        var prefix = instrument.Meter.Name switch
        {
            "FloorPay" => "floorpay_",
            "FloorPay.Gateway" => "floorpay_gateway_",
            "Microsoft.Orleans" => "orleans_",
            "System.Runtime" => "dotnet_",
            "Microsoft.AspNetCore.Server.Kestrel" => "kestrel_",
            var other => Snake(other) + "_",
        };
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;
    }

    /// <summary>A UCUM-style unit as a Prometheus base-unit suffix, with the factor that converts values to it.</summary>
    internal static (string Suffix, double Scale) Unit(string? unit) => unit switch
    {
        null or "" => ("", 1),
        "s" => ("_seconds", 1),
        "ms" => ("_seconds", 0.001),
        "us" or "µs" => ("_seconds", 0.000001),
        "By" => ("_bytes", 1),
        "MB" or "mb" or "MiB" => ("_bytes", 1024 * 1024), // Orleans' memory gauges: exported in the base unit
        _ when unit.StartsWith('{') => ("", 1), // an annotation such as "{connection}": a count, no unit
        _ => ("_" + Snake(unit), 1),
    };

    /// <summary>Lower snake case: every run of characters Prometheus does not allow in a name becomes one "_".</summary>
    internal static string Snake(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9';
            if (ok) builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '_') builder.Append('_');
        }
        return builder.ToString().TrimEnd('_');
    }
}
