using System.Buffers.Text;

namespace Switchboard.Cli.Bench;

/// <summary>
/// The lines chat senders write, <c>sb:SENDER:SEQ:TICKS.</c>, and finding them again in whatever a server relays
/// (<c>&lt;m5&gt; sb:…</c>, ncat's <c>&lt;user5&gt; sb:…</c>): only letters, digits, colons and a dot, which
/// any line-based chat passes through unchanged.
/// </summary>
internal static class ChatLine
{
    /// <summary>What starts every sender's line.</summary>
    public static ReadOnlySpan<byte> Marker => "sb:"u8;

    /// <summary>Writes one line into <paramref name="destination"/>; returns its length.</summary>
    public static int Format(Span<byte> destination, int sender, long sequence, long sendTicks)
    {
        Marker.CopyTo(destination);
        var at = Marker.Length;
        at += Write(destination[at..], sender, ':');
        at += Write(destination[at..], sequence, ':');
        at += Write(destination[at..], sendTicks, '.');
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        return at;
    }

    /// <summary>Finds a sender's line within <paramref name="line"/> (one line, without its end).</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out int sender, out long sequence, out long sendTicks)
    {
        sender = 0;
        sequence = 0;
        sendTicks = 0;
        var start = line.LastIndexOf(Marker);
        if (start < 0)
        {
            return false;
        }

        var rest = line[(start + Marker.Length)..];
        return Utf8Parser.TryParse(rest, out sender, out var used) && Skip(ref rest, used, ':')
            && Utf8Parser.TryParse(rest, out sequence, out used) && Skip(ref rest, used, ':')
            && Utf8Parser.TryParse(rest, out sendTicks, out used) && Skip(ref rest, used, '.');
    }

    private static int Write(Span<byte> destination, long value, char end)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        destination[written] = (byte)end;
        return written + 1;
    }

    private static bool Skip(ref ReadOnlySpan<byte> rest, int used, char expected)
    {
        if (rest.Length <= used || rest[used] != expected)
        {
            return false;
        }

        rest = rest[(used + 1)..];
        return true;
    }
}
