using Switchboard.Options;
namespace Switchboard.Cli.Parsing;

/// <summary>
/// Durations and counts of the tool's own flags (the relay's, the bench's), checked by the library's rules
/// (<see cref="OptionOutOfRangeException.ThrowIfOutOfRange(int, int, int, string)"/>, <see cref="OptionLimits"/>), the
/// same that the options types' <c>Validate</c> apply to the flags that land in them. A value that parses but cannot
/// work is refused while the arguments are read, in one line naming the flag (<see cref="CommandFailure"/>).
/// </summary>
internal static class OptionValues
{
    /// <summary>A duration from 0 (which the option may read as "off") to <see cref="OptionLimits.LongestDuration"/>.</summary>
    public static TimeSpan Duration(string text, string option)
    {
        var duration = Parse(text, option);
        OptionOutOfRangeException.ThrowIfOutOfRange(duration, TimeSpan.Zero, OptionLimits.LongestDuration, option);
        return duration;
    }

    /// <summary>A duration as typed, not yet checked against a range: for a flag whose options type checks it.</summary>
    public static TimeSpan Parse(string text, string option) =>
        DurationParser.TryParse(text, out var duration)
            ? duration
            : throw new UsageException($"{option}: '{text}' is not a duration (e.g. 500ms, 2s, 5m, 1h; a bare number is seconds)");

    /// <summary>A duration, or null when the option was not given.</summary>
    public static TimeSpan? OptionalDuration(string? text, string option) => text is null ? null : Duration(text, option);

    /// <summary>A count from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static int Count(int value, string option, int min, int max)
    {
        OptionOutOfRangeException.ThrowIfOutOfRange(value, min, max, option);
        return value;
    }

    /// <summary>A count from 1 to <paramref name="max"/> (<see cref="OptionLimits.LargestCount"/> unless given).</summary>
    public static int Positive(int value, string option, int max = OptionLimits.LargestCount) => Count(value, option, 1, max);

    /// <summary>A count from 0 to <paramref name="max"/> (<see cref="OptionLimits.LargestCount"/> unless given).</summary>
    public static int NonNegative(int value, string option, int max = OptionLimits.LargestCount) => Count(value, option, 0, max);
}
