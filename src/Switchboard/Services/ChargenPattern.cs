namespace Switchboard.Services;

/// <summary>
/// RFC 864's character pattern: lines of 72 characters from the 95 printable ASCII characters (space to '~'),
/// each line starting one character later than the one before, each ended by CR LF. After 95 lines it repeats.
/// </summary>
internal static class ChargenPattern
{
    /// <summary>Characters per line, CR LF not counted.</summary>
    public const int LineLength = 72;

    /// <summary>How many printable ASCII characters rotate through the lines.</summary>
    public const int CharacterCount = 95;

    /// <summary>One full cycle: 95 lines of 74 bytes.</summary>
    public static ReadOnlyMemory<byte> Cycle { get; } = BuildCycle();

    /// <summary>Line <paramref name="index"/> of the pattern (mod 95), with its CR LF.</summary>
    public static ReadOnlySpan<byte> Line(int index)
    {
        var start = (index % CharacterCount) * (LineLength + 2);
        return Cycle.Span.Slice(start, LineLength + 2);
    }

    private static byte[] BuildCycle()
    {
        var cycle = new byte[CharacterCount * (LineLength + 2)];
        var at = 0;
        for (var line = 0; line < CharacterCount; line++)
        {
            for (var i = 0; i < LineLength; i++)
            {
                cycle[at++] = (byte)(' ' + ((line + i) % CharacterCount));
            }

            cycle[at++] = (byte)'\r';
            cycle[at++] = (byte)'\n';
        }

        return cycle;
    }
}
