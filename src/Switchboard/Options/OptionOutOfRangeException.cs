using System.Globalization;

namespace Switchboard.Options;

/// <summary>
/// An option's value that nothing can run with, found by an options type's <c>Validate</c> (for instance
/// <c>ServerOptions.Validate</c>). It names the option by its property name, which is also its
/// configuration key (<see cref="OptionName"/>: <c>MaxConnections</c>, or a dotted path for a nested option), and the rule the
/// value broke (<see cref="Rule"/>), so a host can say it in its own words: the <c>switchboard</c> tool names its
/// flag instead. The message is one line, <c>MaxConnections must be a positive number, not 0</c>.
/// </summary>
public sealed class OptionOutOfRangeException : ArgumentOutOfRangeException
{
    /// <summary>Creates the exception for <paramref name="optionName"/>, whose <paramref name="actualValue"/> broke <paramref name="rule"/>.</summary>
    public OptionOutOfRangeException(string optionName, object? actualValue, string rule)
        : base(optionName, actualValue, rule)
    {
        OptionName = optionName;
        Rule = rule;
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public OptionOutOfRangeException(string message) : base(message)
    {
        OptionName = "";
        Rule = message;
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public OptionOutOfRangeException(string message, Exception innerException) : base(message, innerException)
    {
        OptionName = "";
        Rule = message;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OptionOutOfRangeException() : this("an option is out of range")
    {
    }

    /// <summary>The option, by property name (a nested one with its dotted path); empty if not known.</summary>
    public string OptionName { get; }

    /// <summary>What the value broke, without the option's name: <c>must be at most 1,048,576, not 2,000,000</c>.</summary>
    public string Rule { get; }

    /// <summary>One line: the option's name and the rule, without <see cref="ArgumentException"/>'s parameter and value lines.</summary>
    public override string Message => OptionName.Length > 0 ? $"{OptionName} {Rule}" : Rule;

    /// <summary>Throws unless <paramref name="value"/> is from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static void ThrowIfOutOfRange(int value, int min, int max, string optionName)
    {
        if (value < min)
        {
            throw new OptionOutOfRangeException(optionName, value, min switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $"must be 0 or more, not {value}"),
                1 => string.Create(CultureInfo.InvariantCulture, $"must be a positive number, not {value}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"must be at least {min}, not {value}"),
            });
        }

        if (value > max)
        {
            throw new OptionOutOfRangeException(optionName, value, string.Create(CultureInfo.InvariantCulture, $"must be at most {max:N0}, not {value:N0}"));
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static void ThrowIfOutOfRange(TimeSpan value, TimeSpan min, TimeSpan max, string optionName)
    {
        if (value < min)
        {
            throw new OptionOutOfRangeException(optionName, value, min == TimeSpan.Zero
                ? $"must be 0 or more, not {Describe(value)}"
                : $"must be at least {Describe(min)}, not {Describe(value)}");
        }

        if (value > max)
        {
            throw new OptionOutOfRangeException(optionName, value, $"must be at most {Describe(max)}, not {Describe(value)}");
        }
    }

    /// <summary>A duration as a person writes it: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2000h</c>, <c>1193h (49.7 days)</c>.</summary>
    private static string Describe(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        return duration.Ticks % TimeSpan.TicksPerMillisecond != 0 ? duration.ToString("c", CultureInfo.InvariantCulture)
            : ms % 3_600_000 == 0 && ms != 0 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000}h")
            : duration >= TimeSpan.FromDays(1) ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(duration.TotalHours)}h ({duration.TotalDays:0.#} days)")
            : ms % 60_000 == 0 && ms != 0 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000}m")
            : ms % 1000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000}s")
            : string.Create(CultureInfo.InvariantCulture, $"{ms}ms");
    }
}
