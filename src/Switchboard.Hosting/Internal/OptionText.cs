using System.Globalization;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Configuration text to option values and back: whole numbers, true/false, enum names, durations as the tool writes
/// them, octal modes. A parse failure is a <see cref="FormatException"/> saying what was wanted; <see cref="OptionKey{T}"/>
/// puts the key in front of it.
/// </summary>
internal static class OptionText
{
    public static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("not a whole number");

    public static bool Bool(string value) =>
        bool.TryParse(value, out var b) ? b : throw new FormatException("not true or false");

    public static T Enum<T>(string value)
        where T : struct, System.Enum =>
        System.Enum.TryParse<T>(value, ignoreCase: true, out var e) && System.Enum.IsDefined(e) && !int.TryParse(value, CultureInfo.InvariantCulture, out _)
            ? e
            : throw new FormatException("not one of " + string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));

    /// <summary>A duration as the tool writes it (<c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>0</c>) or as .NET does (<c>00:00:05</c>).</summary>
    public static TimeSpan Duration(string value)
    {
        if (value == "0")
        {
            return TimeSpan.Zero;
        }

        (string unit, double scale)[] units = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (unit, scale) in units)
        {
            if (value.EndsWith(unit, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(value.AsSpan(0, value.Length - unit.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0 && amount * scale < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(amount * scale);
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new FormatException("not a duration such as 500ms, 5s, 2m, 1h or 00:00:05");
    }

    /// <summary>
    /// A duration as <see cref="Duration(string)"/> reads it back: <c>200ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c> (the
    /// larger unit once the count in the smaller reaches 120, where it divides exactly); off (infinite) as <c>0</c>.
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == Timeout.InfiniteTimeSpan)
        {
            return "0";
        }

        var ms = (long)duration.TotalMilliseconds;
        return ms % 1000 != 0 ? Invariant($"{ms}ms")
            : ms < 120_000 || ms % 60_000 != 0 ? Invariant($"{ms / 1000}s")
            : ms < 7_200_000 || ms % 3_600_000 != 0 ? Invariant($"{ms / 60_000}m")
            : Invariant($"{ms / 3_600_000}h");
    }

    public static UnixFileMode Mode(string octal)
    {
        try
        {
            var bits = Convert.ToInt32(octal, 8);
            if (bits is >= 0 and <= 0x1FF)
            {
                return (UnixFileMode)bits;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
        }

        throw new FormatException("not an octal permission such as 600 or 660");
    }

    public static string Format(UnixFileMode mode) => Convert.ToString((int)mode, 8);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
