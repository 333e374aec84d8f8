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

    public static ChatMessage TooSlow(int maxBytes, int maxMessages) =>
        Notice(string.Create(CultureInfo.InvariantCulture, $"You are too far behind (over {maxBytes} bytes or {maxMessages} messages queued). Disconnecting."));

    public static ChatMessage ServerStopping { get; } = Notice("Server is going down. Bye.");

    public static ChatMessage Bye { get; } = Notice("Bye.");

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
