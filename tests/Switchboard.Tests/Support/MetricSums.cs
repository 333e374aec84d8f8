using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Switchboard.Tests.Support;

/// <summary>Totals of what a <see cref="MetricCollector{T}"/> has recorded, over all or some attribute values.</summary>
internal static class MetricSums
{
    /// <summary>Every measurement so far, added up.</summary>
    public static long Sum(this MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    /// <summary>The measurements whose attribute <paramref name="tag"/> is <paramref name="value"/>, added up.</summary>
    public static long Sum(this MetricCollector<long> collector, string tag, string value) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);
}
