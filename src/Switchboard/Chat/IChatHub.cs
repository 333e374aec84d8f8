namespace Switchboard.Chat;

/// <summary>
/// Rooms, members and nicks: everything the sessions share. Sessions talk only to this interface, so a hub that
/// spans several servers (a backplane) can replace the in-process <see cref="ChatHub"/> without touching them.
/// Every method is thread-safe and never blocks on a member: delivery goes through <see cref="IChatMember.Deliver(ChatMessage)"/>.
/// The hub writes the join, leave and rename notices itself (<see cref="ChatNotices"/>), since only it knows who is
/// in a room. The methods a backplane must ask another process about (nick claims, the cluster's rooms and members,
/// a nick on another server) are asynchronous; the in-process hub completes them at once. Sending to a room is
/// not: a member's own server delivers to its neighbours first and never waits on anything else to do so.
/// </summary>
public interface IChatHub
{
    /// <summary>Members registered on this server now (the server's own capacity is counted against it).</summary>
    int MemberCount { get; }

    /// <summary>
    /// Gives <paramref name="member"/> the (valid) <paramref name="nick"/> and puts it in the default room, whose
    /// other members get a join notice.
    /// </summary>
    ValueTask<ChatRegistration> RegisterAsync(IChatMember member, string nick, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="member"/>; its room gets a leave notice with <paramref name="reason"/>.</summary>
    ValueTask UnregisterAsync(IChatMember member, string reason);

    /// <summary>Changes a member's nick; its room gets a notice. Changing only the case of one's own nick is allowed.</summary>
    ValueTask<ChatRegistration> RenameAsync(IChatMember member, string newNick, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a member to <paramref name="room"/> (a normalised name, created on first use). The old room gets a
    /// leave notice, the new one a join notice. False when the member is already there or not registered.
    /// </summary>
    ValueTask<bool> JoinAsync(IChatMember member, string room, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers <paramref name="message"/> to every member of the sender's room except the sender: at once to
    /// the members of this server, and on its way to any others.
    /// </summary>
    void SendToRoom(IChatMember from, ChatMessage message);

    /// <summary>Delivers <paramref name="message"/> to the member called <paramref name="nick"/>; false if there is none.</summary>
    ValueTask<bool> SendToAsync(string nick, ChatMessage message, CancellationToken cancellationToken = default);

    /// <summary>The nick of <paramref name="member"/>, or null when it is not registered.</summary>
    string? NickOf(IChatMember member);

    /// <summary>The room of <paramref name="member"/>, or null when it is not registered.</summary>
    string? RoomOf(IChatMember member);

    /// <summary>How many members <paramref name="room"/> has (0 for a room that does not exist).</summary>
    ValueTask<int> CountInAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>The nicks in <paramref name="room"/>, sorted.</summary>
    ValueTask<IReadOnlyList<string>> MembersOfAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>The rooms that have members, sorted by name.</summary>
    ValueTask<IReadOnlyList<ChatRoomInfo>> RoomsAsync(CancellationToken cancellationToken = default);
}
