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
}
