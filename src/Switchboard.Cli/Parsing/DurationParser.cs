using System.Globalization;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// Durations as ncat writes them: a number of seconds, or a number with a unit <c>ms</c>, <c>s</c>, <c>m</c> or
/// <c>h</c> (<c>200ms</c>, <c>5s</c>, <c>5m</c>, <c>1.5h</c>). NaN and infinity are not durations (the runtime
/// parses them as numbers). The range an option allows is <see cref="OptionValues"/>' to check.
/// </summary>
internal static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < 0 || value * scale > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    /// <summary>
    /// A duration as the flags take it, for <c>--help</c>'s defaults: <c>200ms</c>, <c>30s</c>, <c>60s</c>, <c>5m</c>,
    /// <c>2h</c> (the larger unit once the count in the smaller reaches 120, where it divides exactly).
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        var text = ms % 1000 != 0 ? $"{ms}ms"
            : ms < 120_000 || ms % 60_000 != 0 ? $"{ms / 1000}s"
            : ms < 7_200_000 || ms % 3_600_000 != 0 ? $"{ms / 60_000}m"
            : $"{ms / 3_600_000}h";
        return text;
    }
}
