using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>Latency percentiles in microseconds, read from a histogram recorded in nanoseconds.</summary>
internal sealed record LatencyPercentiles(double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs)
{
    /// <summary>The unit histograms are recorded in, and their range: 1 ns to a minute, 3 significant digits.</summary>
    public static LongHistogram NewHistogram() => new(1, 60_000_000_000, 3);

    /// <summary>Records <paramref name="nanoseconds"/>, clamped into the histogram's range.</summary>
    public static void Record(LongHistogram histogram, long nanoseconds) =>
        histogram.RecordValue(Math.Clamp(nanoseconds, 1, histogram.HighestTrackableValue));

    public static LatencyPercentiles From(LongHistogram histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return new LatencyPercentiles(0, 0, 0, 0, 0);
        }

        return new LatencyPercentiles(
            Us(histogram.GetValueAtPercentile(50)),
            Us(histogram.GetValueAtPercentile(90)),
            Us(histogram.GetValueAtPercentile(99)),
            Us(histogram.GetValueAtPercentile(99.9)),
            Us(histogram.GetMaxValue()));
    }

    private static double Us(long nanoseconds) => Math.Round(nanoseconds / 1000.0, 1);
}
