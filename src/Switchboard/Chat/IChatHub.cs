namespace Switchboard.Chat;

/// <summary>
/// Rooms, members and nicks: everything the sessions share. Sessions talk only to this interface, so a hub that
/// spans several servers (a backplane) can replace the in-process <see cref="ChatHub"/> without touching them.
/// Every method is thread-safe and never blocks on a member: delivery goes through <see cref="IChatMember.Deliver"/>.
/// The hub writes the join, leave and rename notices itself, since only it knows who is in a room.
/// </summary>
public interface IChatHub
{
    /// <summary>Members registered now.</summary>
    int MemberCount { get; }

    /// <summary>
    /// Gives <paramref name="member"/> the (valid) <paramref name="nick"/> and puts it in the default room, whose
    /// other members get a join notice.
    /// </summary>
    ChatRegistration Register(IChatMember member, string nick);

    /// <summary>Removes <paramref name="member"/>; its room gets a leave notice with <paramref name="reason"/>.</summary>
    void Unregister(IChatMember member, string reason);

    /// <summary>Changes a member's nick; its room gets a notice. Changing only the case of one's own nick is allowed.</summary>
    ChatRegistration Rename(IChatMember member, string newNick);

    /// <summary>
    /// Moves a member to <paramref name="room"/> (a normalised name, created on first use). The old room gets a
    /// leave notice, the new one a join notice. False when the member is already there or not registered.
    /// </summary>
    bool Join(IChatMember member, string room);

    /// <summary>Delivers <paramref name="message"/> to every member of the sender's room except the sender.</summary>
    void SendToRoom(IChatMember from, ChatMessage message);

    /// <summary>Delivers <paramref name="message"/> to the member called <paramref name="nick"/>; false if there is none.</summary>
    bool SendTo(string nick, ChatMessage message);

    /// <summary>The nick of <paramref name="member"/>, or null when it is not registered.</summary>
    string? NickOf(IChatMember member);

    /// <summary>The room of <paramref name="member"/>, or null when it is not registered.</summary>
    string? RoomOf(IChatMember member);

    /// <summary>How many members <paramref name="room"/> has (0 for a room that does not exist).</summary>
    int CountIn(string room);

    /// <summary>The nicks in <paramref name="room"/>, sorted.</summary>
    IReadOnlyList<string> MembersOf(string room);

    /// <summary>The rooms that have members, sorted by name.</summary>
    IReadOnlyList<ChatRoomInfo> Rooms();
}
