using Switchboard.Chat.Internal;

namespace Switchboard.Chat;

/// <summary>
/// The notices a hub writes itself (<see cref="IChatHub"/>), public so that a hub of one's own (a backplane) says
/// them in the same words as the in-process <see cref="ChatHub"/>. Every notice starts with <c>***</c>, which no
/// nick can contain, so a member cannot forge one.
/// </summary>
public static class ChatNotices
{
    /// <summary><c>*** NICK joined ROOM</c>.</summary>
    public static ChatMessage Joined(string nick, string room) => ChatFormat.Joined(nick, room);

    /// <summary><c>*** NICK left ROOM (REASON)</c>.</summary>
    public static ChatMessage Left(string nick, string room, string reason) => ChatFormat.Left(nick, room, reason);

    /// <summary><c>*** OLD is now known as NEW</c>.</summary>
    public static ChatMessage Renamed(string oldNick, string newNick) => ChatFormat.Renamed(oldNick, newNick);

    /// <summary><c>*** TEXT</c>: any other server notice (<paramref name="text"/> already clean, one line).</summary>
    public static ChatMessage Notice(string text) => ChatFormat.Notice(text);
}
