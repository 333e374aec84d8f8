using System.Text;

namespace Switchboard.Chat;

/// <summary>
/// Turns a member's line into text that is safe to show on anyone's terminal: UTF-8 is decoded with U+FFFD for
/// every invalid byte (valid UTF-8 passes intact), escape sequences are removed whole (CSI <c>ESC [ … final</c>,
/// OSC/DCS/SOS/PM/APC strings up to BEL or ST, two- and three-byte <c>ESC</c> sequences, and their C1 forms), and
/// every other C0 or C1 control and DEL is dropped; tab stays. Nothing a member sends can move another member's
/// cursor, retitle its window or ring its bell.
/// </summary>
internal static class ChatText
{
    private const char Escape = '\u001B';
    private const char Bell = '\u0007';
    private const char StringTerminator = '\u009C';

    /// <summary>Decodes and cleans one line (terminator excluded).</summary>
    public static string Sanitize(ReadOnlySpan<byte> line) => Clean(Encoding.UTF8.GetString(line));

    /// <summary>Removes escape sequences and control characters (except tab) from <paramref name="text"/>.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsCleaning(text))
        {
            return text;
        }

        var kept = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == Escape)
            {
                i = SkipEscape(text, i + 1);
            }
            else if (c == '\u009B')
            {
                i = SkipControlSequence(text, i + 1); // C1 CSI
            }
            else if (c is '\u0090' or '\u0098' or '\u009D' or '\u009E' or '\u009F')
            {
                i = SkipString(text, i + 1); // C1 DCS, SOS, OSC, PM, APC
            }
            else
            {
                if (!IsControl(c))
                {
                    kept.Append(c);
                }

                i++;
            }
        }

        return kept.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        foreach (var c in text)
        {
            if (IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsControl(char c) => c != '\t' && (c < ' ' || c is >= '\u007F' and <= '\u009F');

    /// <summary>After ESC: skips the rest of the sequence and returns the index of the first character after it.</summary>
    private static int SkipEscape(string text, int i)
    {
        if (i >= text.Length)
        {
            return i;
        }

        var c = text[i];
        if (c == '[')
        {
            return SkipControlSequence(text, i + 1);
        }

        if (c is ']' or 'P' or 'X' or '^' or '_')
        {
            return SkipString(text, i + 1);
        }

        if (c is >= ' ' and <= '/')
        {
            // Intermediate bytes, then one final byte: ESC ( B selects a character set.
            while (i < text.Length && text[i] is >= ' ' and <= '/')
            {
                i++;
            }

            return i < text.Length && text[i] is >= '0' and <= '~' ? i + 1 : i;
        }

        // ESC c, ESC 7, ESC M…: one final byte. Anything else is not a sequence; only the ESC goes.
        return c is >= '0' and <= '~' ? i + 1 : i;
    }

    /// <summary>CSI: parameter and intermediate bytes, then one final byte in @–~.</summary>
    private static int SkipControlSequence(string text, int i)
    {
        while (i < text.Length && text[i] is >= ' ' and <= '?')
        {
            i++;
        }

        return i < text.Length && text[i] is >= '@' and <= '~' ? i + 1 : i;
    }

    /// <summary>OSC and the other string sequences: up to BEL, ST or ESC \ (or the end of the line).</summary>
    private static int SkipString(string text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c is Bell or StringTerminator)
            {
                return i + 1;
            }

            if (c == Escape)
            {
                return i + 1 < text.Length && text[i + 1] == '\\' ? i + 2 : i + 1;
            }

            i++;
        }

        return i;
    }
}
