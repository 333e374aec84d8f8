using System.Text;

namespace Switchboard.Chat;

/// <summary>
/// One line as it goes on the wire, encoded once: fan-out hands the same bytes to every member's queue.
/// </summary>
/// <param name="Bytes">UTF-8 text and its CR LF, or raw telnet bytes.</param>
public readonly record struct ChatMessage(ReadOnlyMemory<byte> Bytes)
{
    /// <summary>Encodes <paramref name="text"/> (already clean) as UTF-8 followed by CR LF, the telnet line end.</summary>
    public static ChatMessage Line(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 2];
        var written = Encoding.UTF8.GetBytes(text, bytes);
        bytes[written] = (byte)'\r';
        bytes[written + 1] = (byte)'\n';
        return new ChatMessage(bytes);
    }

    /// <summary>
    /// Encodes <paramref name="parts"/> (already clean) one after another as one UTF-8 line with CR LF, without
    /// building the joined string first: a said line is <c>"&lt;", nick, "&gt; ", text</c>, once per message.
    /// </summary>
    public static ChatMessage Line(params ReadOnlySpan<string> parts)
    {
        var length = 2;
        foreach (var part in parts)
        {
            length += Encoding.UTF8.GetByteCount(part);
        }

        var bytes = new byte[length];
        var written = 0;
        foreach (var part in parts)
        {
            written += Encoding.UTF8.GetBytes(part, bytes.AsSpan(written));
        }

        bytes[written] = (byte)'\r';
        bytes[written + 1] = (byte)'\n';
        return new ChatMessage(bytes);
    }

    /// <summary>The line as text, CR LF removed (for tests and logs).</summary>
    public override string ToString() => Encoding.UTF8.GetString(Bytes.Span).TrimEnd('\r', '\n');
}
