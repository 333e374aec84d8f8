using System.Diagnostics;

namespace Switchboard.Cli.Bench;

/// <summary>Monotonic time as <see cref="Stopwatch"/> ticks, and conversions; reading it allocates nothing.</summary>
internal static class BenchClock
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long Now => Stopwatch.GetTimestamp();

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static long ToNanoseconds(long ticks) => (long)(ticks * NanosecondsPerTick);

    public static double ToSeconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
