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
    /// The hard limit: bytes queued for one member beyond which it is behind at once. Defaults to 1 MiB, InspIRCd's
    /// <c>hardsendq</c> (UnrealIRCd allows a client 200 KiB, ircd-hybrid 100 KiB, Redis a pub/sub client 32 MiB).
    /// A queued line counts its bytes plus <see cref="QueuedLineOverhead"/>, so a flood of short lines is measured
    /// by the memory it holds, not by a count of messages. What happens then is <see cref="BehindPolicy"/>; nobody
    /// else waits for the member either way. Both limits count only while the member's socket pushes back (the
    /// last write to it did not complete at once): a queue that grew because the server fanned a burst out before
    /// the member's writer ran is the server's delay, not the member's, and may reach twice this before it counts.
    /// </summary>
    public int MaxQueuedBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The soft limit: a member whose queue stays above this many bytes for longer than <see cref="SoftQueueGrace"/>
    /// is behind. Defaults to 256 KiB, a quarter of the hard limit as Redis's pub/sub limits are (8 MiB soft,
    /// 32 MiB hard) and about UnrealIRCd's client sendq: a burst passes, a member that stays this far behind is
    /// treated as it would be at the hard limit. Above <see cref="MaxQueuedBytes"/> it has no effect.
    /// </summary>
    public int SoftQueuedBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long a member's queue may stay above <see cref="SoftQueuedBytes"/> before the member is behind. Defaults
    /// to 10 s (Redis allows 60 s): a chat line 10 s late is already old news, and a reader that drains a paste at
    /// any reasonable speed is back under the soft limit well within it.
    /// </summary>
    public TimeSpan SoftQueueGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What is done with a member that is behind. Defaults to <see cref="ChatBehindPolicy.Skip"/>: its oldest queued
    /// lines are dropped (down to half the soft limit) and it is told once how many; it stays.
    /// <see cref="ChatBehindPolicy.Disconnect"/> tells it and disconnects it.
    /// </summary>
    public ChatBehindPolicy BehindPolicy { get; set; } = ChatBehindPolicy.Skip;

    /// <summary>
    /// How long one write to a member's socket may make no progress at all before the member is disconnected,
    /// whatever <see cref="BehindPolicy"/> says (a member that does not read at all is not kept by skipping lines).
    /// Defaults to 60 s, nginx's <c>send_timeout</c> (IRC servers' ping timeouts are 90–240 s). A write is at most
    /// 16 KiB, so "no progress" means the peer took less than that in the whole time. Zero or
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan WriteDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What one queued line costs beyond its bytes, counted against <see cref="MaxQueuedBytes"/> and
    /// <see cref="SoftQueuedBytes"/>: its slot in the member's queue. The bytes themselves are shared by every
    /// member the line goes to.
    /// </summary>
    public const int QueuedLineOverhead = 32;

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
        OptionOutOfRangeException.ThrowIfOutOfRange(SoftQueuedBytes, 1, OptionLimits.LargestBytes, nameof(SoftQueuedBytes));
        OptionOutOfRangeException.ThrowIfOutOfRange(SoftQueueGrace, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(SoftQueueGrace));
        if (!Enum.IsDefined(BehindPolicy))
        {
            throw new OptionOutOfRangeException(nameof(BehindPolicy), BehindPolicy, "is not skip or disconnect");
        }

        if (WriteDeadline != Timeout.InfiniteTimeSpan)
        {
            OptionOutOfRangeException.ThrowIfOutOfRange(WriteDeadline, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(WriteDeadline));
        }
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
