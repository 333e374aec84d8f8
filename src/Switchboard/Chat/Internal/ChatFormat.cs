using System.Globalization;

namespace Switchboard.Chat.Internal;

/// <summary>
/// Every line the server writes, in one place (docs/chat-protocol.md lists them). Server notices start with
/// <c>***</c>, which no nick can contain, so a member cannot forge one.
/// </summary>
internal static class ChatFormat
{
    public const string Prefix = "*** ";

    public static ChatMessage Notice(string text) => ChatMessage.Line(Prefix + text);

    public static ChatMessage Said(string nick, string text) => ChatMessage.Line("<", nick, "> ", text);

    public static ChatMessage Action(string nick, string text) => ChatMessage.Line("* ", nick, " ", text);

    public static ChatMessage PrivateFrom(string nick, string text) => ChatMessage.Line("*", nick, "* ", text);

    public static ChatMessage PrivateTo(string nick, string text) => ChatMessage.Line("-> *", nick, "* ", text);

    public static ChatMessage Joined(string nick, string room) => Notice($"{nick} joined {room}");

    public static ChatMessage Left(string nick, string room, string reason) => Notice($"{nick} left {room} ({reason})");

    public static ChatMessage Renamed(string oldNick, string newNick) => Notice($"{oldNick} is now known as {newNick}");

    public static ChatMessage Greeting(string server, int members) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"Welcome to {server} chat ({members} online). Type /help for commands."));

    public static ChatMessage NickPrompt { get; } = Notice($"Choose a nick ({ChatNames.NickRule}):");

    public static ChatMessage NickInvalid { get; } = Notice($"Invalid nick: use {ChatNames.NickRule}. Choose a nick:");

    public static ChatMessage NickTaken(string nick) => Notice($"Nick {nick} is taken. Choose a nick:");

    public static ChatMessage Welcome(string nick, string room, int others) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"Hello {nick}. You are in {room} with {others} other{(others == 1 ? "" : "s")}."));

    public static ChatMessage Full(int max) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"Server full ({max} members). Try again later."));

    public static ChatMessage LineTooLong(int max) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"Line too long (over {max} bytes); discarded."));

    public static ChatMessage TooSlow(int hardBytes, long softBytes, TimeSpan grace) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"You are too far behind (over {hardBytes} bytes queued, or over {softBytes} for {Duration(grace)}). Disconnecting."));

    /// <summary>Where a member's oldest queued lines were dropped because it was behind: at the gap, once per gap.</summary>
    public static ChatMessage LinesDropped(int lines) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"{lines} {(lines == 1 ? "line" : "lines")} dropped"));

    public static ChatMessage NickTimedOut(TimeSpan timeout) => Notice($"No nick chosen within {Duration(timeout)}. Disconnecting.");

    public static ChatMessage LineTimedOut(TimeSpan timeout) => Notice($"Line not finished within {Duration(timeout)}. Disconnecting.");

    public static ChatMessage SilentBeforeNick(TimeSpan idle) => Notice($"Nothing received for {Duration(idle)}. Disconnecting.");

    public static ChatMessage ProbeUnanswered(TimeSpan idle) => Notice($"No answer from your client for {Duration(idle)}. Disconnecting.");

    /// <summary>IAC DO TIMING-MARK (RFC 860): a telnet client answers WILL or WONT TIMING-MARK, and shows nothing.</summary>
    public static ChatMessage TimingMarkProbe { get; } = new(new byte[] { TelnetDecoder.Iac, TelnetDecoder.Do, TelnetDecoder.TimingMark });

    public static ChatMessage ServerStopping { get; } = Notice("Server is going down. Bye.");

    public static ChatMessage Bye { get; } = Notice("Bye.");

    /// <summary>A timeout as people write it: <c>60 s</c>, <c>5 min</c>, <c>1 h</c>, <c>1500 ms</c>.</summary>
    public static string Duration(TimeSpan time)
    {
        var ms = (long)time.TotalMilliseconds;
        return ms switch
        {
            >= 3_600_000 when ms % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000} h"),
            >= 60_000 when ms % 60_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000} min"),
            >= 1000 when ms % 1000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000} s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{ms} ms"),
        };
    }

    public static readonly string[] Help =
    [
        "Commands:",
        "  /who               members of your room",
        "  /msg NICK text     a private message only NICK sees",
        "  /nick NEW          change your nick",
        "  /me action         * you do something",
        "  /join ROOM         move to ROOM (created if new)",
        "  /rooms             rooms and how many are in each",
        "  /quit [message]    leave",
        "  /help              this list",
        "Any other line goes to everyone else in your room; start it with // to send a line that begins with /.",
    ];
}
