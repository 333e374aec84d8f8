using System.Globalization;

namespace Switchboard.Chat.Redis.Internal;

/// <summary>What the backplane tells members (docs/chat-protocol.md, "Several servers").</summary>
internal static class BackplaneNotices
{
    public static ChatMessage Unreachable { get; } =
        ChatNotices.Notice("Other servers are unreachable; until they are back you chat with the members of this server only.");

    public static ChatMessage Reachable { get; } = ChatNotices.Notice("Other servers are reachable again.");

    public static ChatMessage Missed(long count, string server) =>
        ChatNotices.Notice(string.Create(CultureInfo.InvariantCulture, $"{count} line{(count == 1 ? "" : "s")} from server {server} did not arrive while the servers were apart."));

    public static string LostReason(string server) => $"server {server} lost";

    public static ChatMessage NickConflict(string nick, string holder) =>
        ChatNotices.Notice($"Your nick {nick} was taken on server {holder} while the servers were apart; choose another with /nick.");
}
