using Switchboard.Chat.Internal;

namespace Switchboard.Chat;

/// <summary>
/// The in-process <see cref="IChatHub"/>: one lock guards the nick and room maps, and each room keeps an
/// immutable array of its members that is replaced on join and leave, so fan-out reads a snapshot and delivers
/// outside the lock. Delivery only queues (<see cref="IChatMember.Deliver(ChatMessage)"/>), so one slow member never holds
/// the lock or anyone else. The synchronous methods answer at once; the asynchronous ones of <see cref="IChatHub"/>
/// complete at once on them. A backplane can keep its server's own members in one of these and add the others
/// (<see cref="DeliverToRoom(string, ChatMessage, IChatMember)"/> hands it what arrives from them).
/// </summary>
public sealed class ChatHub : IChatHub
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _byNick = new(ChatNames.NickComparer);
    private readonly Dictionary<IChatMember, Entry> _byMember = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly string _defaultRoom;
    private readonly int _maxMembers;

    /// <summary>Creates a hub whose members start in <paramref name="defaultRoom"/>, holding at most <paramref name="maxMembers"/>.</summary>
    public ChatHub(string defaultRoom = "lobby", int maxMembers = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMembers, 1);
        _defaultRoom = ChatNames.NormalizeRoom(defaultRoom) ?? throw new ArgumentException("not a valid room name: " + ChatNames.RoomRule, nameof(defaultRoom));
        _maxMembers = maxMembers;
    }

    /// <summary>
    /// Delivers <paramref name="message"/> to every member of <paramref name="room"/> on this hub, except
    /// <paramref name="except"/> when given; false when the room has no members here. For a backplane: a line
    /// from another server, or a notice about its members.
    /// </summary>
    public bool DeliverToRoom(string room, ChatMessage message, IChatMember? except = null)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (EntriesOf(room) is not { } members)
        {
            return false;
        }

        Deliver(members, message, except);
        return true;
    }

    /// <summary>
    /// Delivers <paramref name="messages"/>, in order, to every member of <paramref name="room"/> on this hub; false
    /// when the room has no members here. Each member takes them in one step (<see cref="IChatMember.Deliver(ReadOnlySpan{ChatMessage})"/>):
    /// for a backplane, the lines that arrived from other servers together.
    /// </summary>
    public bool DeliverToRoom(string room, ReadOnlySpan<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (EntriesOf(room) is not { } members)
        {
            return false;
        }

        foreach (var entry in members)
        {
            entry.Member.Deliver(messages);
        }

        return true;
    }

    /// <summary>The members of <paramref name="room"/> on this hub as they are now; null when it has none here.</summary>
    private Entry[]? EntriesOf(string room)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(room, out var found) ? found.Members : null;
        }
    }

    /// <summary>Every member registered here with its nick and room, for a backplane that re-announces them.</summary>
    public IReadOnlyList<(IChatMember Member, string Nick, string Room)> Snapshot()
    {
        lock (_lock)
        {
            return [.. _byMember.Values.Select(e => (e.Member, e.Nick, e.Room!.Name))];
        }
    }

    /// <inheritdoc/>
    ValueTask<ChatRegistration> IChatHub.RegisterAsync(IChatMember member, string nick, CancellationToken cancellationToken) =>
        new(Register(member, nick));

    /// <inheritdoc/>
    ValueTask IChatHub.UnregisterAsync(IChatMember member, string reason)
    {
        Unregister(member, reason);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    ValueTask<ChatRegistration> IChatHub.RenameAsync(IChatMember member, string newNick, CancellationToken cancellationToken) =>
        new(Rename(member, newNick));

    /// <inheritdoc/>
    ValueTask<bool> IChatHub.JoinAsync(IChatMember member, string room, CancellationToken cancellationToken) => new(Join(member, room));

    /// <inheritdoc/>
    ValueTask<bool> IChatHub.SendToAsync(string nick, ChatMessage message, CancellationToken cancellationToken) => new(SendTo(nick, message));

    /// <inheritdoc/>
    ValueTask<int> IChatHub.CountInAsync(string room, CancellationToken cancellationToken) => new(CountIn(room));

    /// <inheritdoc/>
    ValueTask<IReadOnlyList<string>> IChatHub.MembersOfAsync(string room, CancellationToken cancellationToken) => new(MembersOf(room));

    /// <inheritdoc/>
    ValueTask<IReadOnlyList<ChatRoomInfo>> IChatHub.RoomsAsync(CancellationToken cancellationToken) => new(Rooms());

    /// <inheritdoc/>
    public int MemberCount
    {
        get
        {
            lock (_lock)
            {
                return _byMember.Count;
            }
        }
    }

    /// <summary>Gives <paramref name="member"/> the (valid) <paramref name="nick"/> and puts it in the default room, whose other members get a join notice.</summary>
    public ChatRegistration Register(IChatMember member, string nick)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(nick);
        Entry[] others;
        lock (_lock)
        {
            if (_byMember.ContainsKey(member))
            {
                return ChatRegistration.Done;
            }

            if (_byNick.ContainsKey(nick))
            {
                return ChatRegistration.NickTaken;
            }

            if (_byMember.Count >= _maxMembers)
            {
                return ChatRegistration.Full;
            }

            var entry = new Entry(member, nick);
            _byNick.Add(nick, entry);
            _byMember.Add(member, entry);
            others = Enter(entry, _defaultRoom);
        }

        Deliver(others, ChatFormat.Joined(nick, _defaultRoom), except: member);
        return ChatRegistration.Done;
    }

    /// <summary>Removes <paramref name="member"/>; its room gets a leave notice with <paramref name="reason"/>.</summary>
    public void Unregister(IChatMember member, string reason)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(reason);
        Entry[] others;
        string nick, room;
        lock (_lock)
        {
            if (!_byMember.Remove(member, out var entry))
            {
                return;
            }

            _byNick.Remove(entry.Nick);
            nick = entry.Nick;
            room = entry.Room!.Name;
            others = Leave(entry);
        }

        Deliver(others, ChatFormat.Left(nick, room, reason), except: member);
    }

    /// <summary>Changes a member's nick; its room gets a notice. Changing only the case of one's own nick is allowed.</summary>
    public ChatRegistration Rename(IChatMember member, string newNick)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(newNick);
        Entry[] others;
        string oldNick;
        lock (_lock)
        {
            if (!_byMember.TryGetValue(member, out var entry))
            {
                return ChatRegistration.NotMember;
            }

            if (_byNick.TryGetValue(newNick, out var holder) && !ReferenceEquals(holder, entry))
            {
                return ChatRegistration.NickTaken;
            }

            oldNick = entry.Nick;
            _byNick.Remove(oldNick);
            _byNick.Add(newNick, entry);
            entry.Nick = newNick;
            others = entry.Room!.Members;
        }

        Deliver(others, ChatFormat.Renamed(oldNick, newNick), except: member);
        return ChatRegistration.Done;
    }

    /// <summary>Moves a member to <paramref name="room"/>; the old room gets a leave notice, the new one a join notice. False when already there or not registered.</summary>
    public bool Join(IChatMember member, string room)
    {
        ArgumentNullException.ThrowIfNull(member);
        var name = ChatNames.NormalizeRoom(room ?? "") ?? throw new ArgumentException("not a valid room name: " + ChatNames.RoomRule, nameof(room));
        Entry[] left, joined;
        string nick, oldRoom;
        lock (_lock)
        {
            if (!_byMember.TryGetValue(member, out var entry) || entry.Room!.Name == name)
            {
                return false;
            }

            nick = entry.Nick;
            oldRoom = entry.Room.Name;
            left = Leave(entry);
            joined = Enter(entry, name);
        }

        Deliver(left, ChatFormat.Left(nick, oldRoom, "joined " + name), except: member);
        Deliver(joined, ChatFormat.Joined(nick, name), except: member);
        return true;
    }

    /// <inheritdoc/>
    public void SendToRoom(IChatMember from, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(from);
        Entry[] members;
        lock (_lock)
        {
            if (!_byMember.TryGetValue(from, out var entry))
            {
                return;
            }

            members = entry.Room!.Members;
        }

        Deliver(members, message, except: from);
    }

    /// <summary>Delivers <paramref name="message"/> to the member called <paramref name="nick"/>; false if there is none here.</summary>
    public bool SendTo(string nick, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(nick);
        IChatMember member;
        lock (_lock)
        {
            if (!_byNick.TryGetValue(nick, out var entry))
            {
                return false;
            }

            member = entry.Member;
        }

        member.Deliver(message);
        return true;
    }

    /// <inheritdoc/>
    public string? NickOf(IChatMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_lock)
        {
            return _byMember.TryGetValue(member, out var entry) ? entry.Nick : null;
        }
    }

    /// <inheritdoc/>
    public string? RoomOf(IChatMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_lock)
        {
            return _byMember.TryGetValue(member, out var entry) ? entry.Room!.Name : null;
        }
    }

    /// <summary>How many members <paramref name="room"/> has here (0 for a room that does not exist).</summary>
    public int CountIn(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        lock (_lock)
        {
            return _rooms.TryGetValue(room, out var found) ? found.Members.Length : 0;
        }
    }

    /// <summary>The nicks in <paramref name="room"/> here, sorted.</summary>
    public IReadOnlyList<string> MembersOf(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        string[] nicks;
        lock (_lock)
        {
            if (!_rooms.TryGetValue(room, out var found))
            {
                return [];
            }

            nicks = [.. found.Members.Select(e => e.Nick)];
        }

        Array.Sort(nicks, ChatNames.NickComparer);
        return nicks;
    }

    /// <summary>The rooms that have members here, sorted by name.</summary>
    public IReadOnlyList<ChatRoomInfo> Rooms()
    {
        lock (_lock)
        {
            return [.. _rooms.Values.Select(r => new ChatRoomInfo(r.Name, r.Members.Length)).OrderBy(r => r.Name, StringComparer.Ordinal)];
        }
    }

    private static void Deliver(Entry[] members, ChatMessage message, IChatMember? except)
    {
        foreach (var entry in members)
        {
            if (!ReferenceEquals(entry.Member, except))
            {
                entry.Member.Deliver(message);
            }
        }
    }

    /// <summary>Under the lock: adds the entry to the room; returns the room's members (now including it).</summary>
    private Entry[] Enter(Entry entry, string name)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            room = new Room(name);
            _rooms.Add(name, room);
        }

        room.Members = [.. room.Members, entry];
        entry.Room = room;
        return room.Members;
    }

    /// <summary>Under the lock: removes the entry from its room; returns the members left there.</summary>
    private Entry[] Leave(Entry entry)
    {
        var room = entry.Room!;
        room.Members = Array.FindAll(room.Members, e => !ReferenceEquals(e, entry));
        entry.Room = null;
        if (room.Members.Length == 0)
        {
            _rooms.Remove(room.Name);
        }

        return room.Members;
    }

    private sealed class Entry(IChatMember member, string nick)
    {
        public IChatMember Member { get; } = member;

        public string Nick { get; set; } = nick;

        public Room? Room { get; set; }
    }

    private sealed class Room(string name)
    {
        public string Name { get; } = name;

        public Entry[] Members { get; set; } = [];
    }
}
