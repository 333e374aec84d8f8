using System.Runtime.InteropServices;
using Switchboard.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>The in-process hub on its own: rooms, nicks and fan-out, with members that record what they get.</summary>
public sealed class ChatHubTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void FanOutHandsTheSameEncodedBytesToEveryMemberButTheSender()
    {
        var hub = new ChatHub();
        var members = Enumerable.Range(0, 5).Select(_ => new RecordingMember()).ToList();
        for (var i = 0; i < members.Count; i++)
        {
            Assert.Equal(ChatRegistration.Done, hub.Register(members[i], $"m{i}"));
        }

        var message = ChatMessage.Line("<m0> once");
        hub.SendToRoom(members[0], message);
        Assert.DoesNotContain(members[0].Received, m => m.ToString() == "<m0> once");
        Assert.True(MemoryMarshal.TryGetArray(message.Bytes, out var encoded));
        foreach (var member in members.Skip(1))
        {
            var got = member.Received.Last();
            Assert.True(MemoryMarshal.TryGetArray(got.Bytes, out var shared));
            Assert.Same(encoded.Array, shared.Array); // encoded once, not once per member
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void NicksAreUniqueWithoutRegardToCaseAndTheHubHasAMaximum()
    {
        var hub = new ChatHub(maxMembers: 2);
        var alice = new RecordingMember();
        var bob = new RecordingMember();
        Assert.Equal(ChatRegistration.Done, hub.Register(alice, "alice"));
        Assert.Equal(ChatRegistration.NickTaken, hub.Register(bob, "ALICE"));
        Assert.Equal(ChatRegistration.Done, hub.Register(bob, "bob"));
        Assert.Equal(ChatRegistration.Full, hub.Register(new RecordingMember(), "carol"));
        Assert.Equal(ChatRegistration.NickTaken, hub.Rename(bob, "Alice"));
        Assert.Equal(ChatRegistration.Done, hub.Rename(alice, "Alice"));
        Assert.Equal("Alice", hub.NickOf(alice));
        hub.Unregister(bob, "quit");
        Assert.Equal(1, hub.MemberCount);
        Assert.Equal(ChatRegistration.Done, hub.Register(new RecordingMember(), "bob"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void RoomsAreCreatedOnFirstJoinAndVanishWhenEmpty()
    {
        var hub = new ChatHub();
        var alice = new RecordingMember();
        var bob = new RecordingMember();
        hub.Register(alice, "alice");
        hub.Register(bob, "bob");
        Assert.Equal("*** bob joined lobby", alice.Received.Last().ToString());
        Assert.True(hub.Join(bob, "games"));
        Assert.False(hub.Join(bob, "games"));
        Assert.Equal("*** bob left lobby (joined games)", alice.Received.Last().ToString());
        Assert.Equal([new ChatRoomInfo("games", 1), new ChatRoomInfo("lobby", 1)], hub.Rooms());
        Assert.Equal(1, hub.CountIn("games"));
        hub.Join(bob, "lobby");
        Assert.Equal([new ChatRoomInfo("lobby", 2)], hub.Rooms());
        Assert.Equal(["alice", "bob"], hub.MembersOf("lobby"));
        Assert.Equal(0, hub.CountIn("games"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void LinesDeliveredTogetherReachEveryMemberOfTheRoomInOrder()
    {
        var hub = new ChatHub();
        var alice = new RecordingMember();
        var bob = new RecordingMember();
        hub.Register(alice, "alice");
        hub.Register(bob, "bob");
        var before = alice.Received.Count;
        ChatMessage[] lines = [ChatMessage.Line("<x> one"), ChatMessage.Line("<x> two"), ChatMessage.Line("<x> three")];
        Assert.True(hub.DeliverToRoom("lobby", lines));
        Assert.False(hub.DeliverToRoom("games", lines));
        Assert.Equal(["<x> one", "<x> two", "<x> three"], alice.Received.Skip(before).Select(m => m.ToString()));
        Assert.Equal(["<x> one", "<x> two", "<x> three"], bob.Received.TakeLast(3).Select(m => m.ToString()));
    }

    private sealed class RecordingMember : IChatMember
    {
        public List<ChatMessage> Received { get; } = [];

        public void Deliver(ChatMessage message) => Received.Add(message);
    }
}
