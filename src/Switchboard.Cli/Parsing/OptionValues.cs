using System.Globalization;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// The one range check of every duration and count option of every command: a value that parses but cannot work
/// (a timer longer than the runtime's timers wait, a count that overflows what is added to it) is refused while the
/// arguments are read, in one line naming the option, rather than breaking at use.
/// </summary>
internal static class OptionValues
{
    /// <summary>
    /// The longest duration an option takes: 4,294,967,294 ms (49.7 days, about 1,193 hours), the most that
    /// <see cref="Task.Delay(TimeSpan)"/>, <see cref="Timer"/> and <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> accept.
    /// </summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// The largest count any option takes unless it names its own: 1,048,576, Linux's default <c>fs.nr_open</c> (no
    /// process can hold more descriptors, so no more connections, members or loops), and far below
    /// <see cref="int.MaxValue"/>, so headroom added to a count cannot overflow.
    /// </summary>
    public const int LargestCount = 1024 * 1024;

    /// <summary>The largest byte size an option takes unless it names its own: 1 GiB.</summary>
    public const int LargestBytes = 1024 * 1024 * 1024;

    /// <summary>A duration from 0 (which the option may read as "off") to <see cref="LongestDuration"/>.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        if (!DurationParser.TryParse(text, out var duration))
        {
            throw new UsageException($"{option}: '{text}' is not a duration (e.g. 500ms, 2s, 5m, 1h; a bare number is seconds)");
        }

        return duration <= LongestDuration
            ? duration
            : throw new UsageException($"{option}: '{text}' is longer than the longest duration, {Hours(LongestDuration)}h (49 days)");
    }

    /// <summary>A duration more than 0 and at most <see cref="LongestDuration"/>.</summary>
    public static TimeSpan PositiveDuration(string text, string option)
    {
        var duration = Duration(text, option);
        return duration > TimeSpan.Zero ? duration : throw new UsageException($"{option} must be more than 0");
    }

    /// <summary>A duration, or null when the option was not given.</summary>
    public static TimeSpan? OptionalDuration(string? text, string option) => text is null ? null : Duration(text, option);

    /// <summary>A count from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static int Count(int value, string option, int min, int max)
    {
        if (value < min)
        {
            throw new UsageException(min switch
            {
                0 => $"{option} must be 0 or more, not {value}",
                1 => $"{option} must be a positive number, not {value}",
                _ => $"{option} must be at least {min}, not {value}",
            });
        }

        return value <= max
            ? value
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option} must be at most {max:N0}, not {value:N0}"));
    }

    /// <summary>A count from 1 to <paramref name="max"/> (<see cref="LargestCount"/> unless given).</summary>
    public static int Positive(int value, string option, int max = LargestCount) => Count(value, option, 1, max);

    /// <summary>A count from 0 to <paramref name="max"/> (<see cref="LargestCount"/> unless given).</summary>
    public static int NonNegative(int value, string option, int max = LargestCount) => Count(value, option, 0, max);

    private static long Hours(TimeSpan duration) => (long)duration.TotalHours;
}
