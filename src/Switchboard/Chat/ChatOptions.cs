using System.Diagnostics.Metrics;
using Switchboard.Options;

namespace Switchboard.Chat;

/// <summary>
/// The chat server's limits. Every limit is on by default; the defaults follow IRC servers and Redis's pub/sub
/// client limits (see <c>docs/chat-protocol.md</c> for what a member sees at each one).
/// </summary>
public sealed class ChatOptions
{
    /// <summary>
    /// The longest line a member may send, in bytes after telnet decoding, terminator excluded. Defaults to 4 KiB:
    /// eight times IRC's 512 bytes, room for a long paste of UTF-8 text. A longer line is discarded whole (never
    /// relayed in part), the sender is told, and the member stays.
    /// </summary>
    public int MaxLineBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// Lines per second one member may send, sustained; 0 turns the limit off. Defaults to 10: faster than anyone
    /// types, slower than a script. Over it the server stops reading that member's socket until the rate allows
    /// the next line (TCP pushes back on the flooder alone); nobody is dropped for it.
    /// </summary>
    public int MaxLineRate { get; set; } = 10;

    /// <summary>
    /// Lines a member may send at once before <see cref="MaxLineRate"/> applies. Defaults to 20: a pasted
    /// paragraph goes through in one go.
    /// </summary>
    public int LineBurst { get; set; } = 20;

    /// <summary>
    /// Bytes queued for one member before it counts as too slow. Defaults to 256 KiB (ngircd allows 32 KiB, Redis
    /// pub/sub clients 8–32 MiB). A member over it is told (best effort) and disconnected; nobody else waits for it.
    /// </summary>
    public int MaxQueuedBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Messages queued for one member before it counts as too slow. Defaults to 1024: a join storm of a thousand
    /// members still fits, while a member that stopped reading is found long before memory matters.
    /// </summary>
    public int MaxQueuedMessages { get; set; } = 1024;

    /// <summary>
    /// Members (connections that have chosen a nick) the server holds at once. Defaults to 10,000 (Redis's
    /// <c>maxclients</c>). A newcomer beyond it is told the server is full and disconnected.
    /// </summary>
    public int MaxMembers { get; set; } = 10_000;

    /// <summary>
    /// How long a member's last lines (a goodbye, the notice that it is too slow) may take to leave before the
    /// connection is reset. Defaults to 2 seconds: enough for any reader, short enough not to hold a slot.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a new connection may take to choose a nick, from connect to the welcome. Defaults to 60 s (nginx's
    /// <c>client_header_timeout</c>; IRC servers give 30-60 s to register). A connection that has not chosen one by
    /// then is told and closed (reason <see cref="Transport.CloseReason.Limit"/>): before a nick a connection is not
    /// yet a member, and a slowloris client could otherwise hold its slot for ever. <see cref="Timeout.InfiniteTimeSpan"/>
    /// (or zero) turns it off.
    /// </summary>
    public TimeSpan NickTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The room every member starts in. Defaults to <c>lobby</c>.</summary>
    public string DefaultRoom { get; set; } = "lobby";

    /// <summary>The name in the greeting. Defaults to <c>Switchboard</c>.</summary>
    public string ServerName { get; set; } = "Switchboard";

    /// <summary>
    /// Where the chat's <c>Switchboard</c> meter comes from, as <see cref="Serving.ServerOptions.MeterFactory"/> is
    /// for the server's (pass the same factory to both; a host's factory from dependency injection hands both the
    /// one meter). The factory owns the meter and disposes it. Defaults to null: the chat makes a meter of its own,
    /// disposed with the <see cref="ChatService"/>, which <c>dotnet-counters monitor --counters Switchboard</c>
    /// reads all the same.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// Throws <see cref="OptionOutOfRangeException"/> (an <see cref="ArgumentOutOfRangeException"/>) naming the option
    /// for a value no chat can run with: counts from their least (0 or 1) to <see cref="OptionLimits.LargestCount"/>,
    /// sizes to <see cref="OptionLimits.LargestBytes"/>, durations to <see cref="OptionLimits.LongestDuration"/>.
    /// <see cref="ChatService"/> calls it.
    /// </summary>
    public void Validate()
    {
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxLineBytes, 1, OptionLimits.LargestBytes, nameof(MaxLineBytes));
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxLineRate, 0, OptionLimits.LargestCount, nameof(MaxLineRate));
        OptionOutOfRangeException.ThrowIfOutOfRange(LineBurst, 1, OptionLimits.LargestCount, nameof(LineBurst));
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxQueuedBytes, 1, OptionLimits.LargestBytes, nameof(MaxQueuedBytes));
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxQueuedMessages, 1, OptionLimits.LargestCount, nameof(MaxQueuedMessages));
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxMembers, 1, OptionLimits.LargestCount, nameof(MaxMembers));
        OptionOutOfRangeException.ThrowIfOutOfRange(CloseTimeout, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(CloseTimeout));
        if (NickTimeout != Timeout.InfiniteTimeSpan)
        {
            OptionOutOfRangeException.ThrowIfOutOfRange(NickTimeout, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(NickTimeout));
        }

        if (ChatNames.NormalizeRoom(DefaultRoom) is null)
        {
            throw new OptionOutOfRangeException(nameof(DefaultRoom), DefaultRoom, "is not a valid room name: " + ChatNames.RoomRule);
        }
    }
}
