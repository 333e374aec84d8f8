using StackExchange.Redis;

namespace Switchboard.Chat.Redis.Internal;

/// <summary>
/// Every key and channel the backplane uses, under one prefix. Nicks are keyed upper-cased (invariant), as the
/// hub compares them without regard to case.
/// </summary>
internal sealed class BackplaneKeys(string prefix)
{
    /// <summary>A set of the server ids that have joined (and not yet been cleaned up after).</summary>
    public RedisKey Servers { get; } = prefix + "servers";

    /// <summary>A server's presence: a string with a short lifetime that the server refreshes.</summary>
    public RedisKey Alive(string server) => prefix + "alive:" + server;

    /// <summary>A server's members: a hash of nick to room, outliving the presence so others can name the lost.</summary>
    public RedisKey Members(string server) => prefix + "members:" + server;

    /// <summary>A nick's claim: a string holding the id of the server whose member has it.</summary>
    public RedisKey Nick(string nick) => prefix + "nick:" + nick.ToUpperInvariant();

    /// <summary>A room's channel: every line for the room, from every server.</summary>
    public RedisChannel Room(string room) => RedisChannel.Literal(prefix + "room:" + room);

    /// <summary>A server's own channel: private lines for its members.</summary>
    public RedisChannel Server(string server) => RedisChannel.Literal(prefix + "server:" + server);
}
