using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Switchboard.Chat.Redis.Internal;
using Switchboard.Serving;

namespace Switchboard.Chat.Redis;

/// <summary>
/// An <see cref="IChatHub"/> shared by several chat servers through Redis. Each server keeps its own members in an
/// in-process <see cref="ChatHub"/> and delivers to them first; every line then goes, through one bounded queue, to
/// the Redis channel of its room, which each server with members there subscribes to once. Nicks are claimed in
/// Redis (<c>SET NX</c>), each server's members are a hash there, and a presence key with a short lifetime tells
/// the others it is alive (<see cref="RedisBackplaneOptions.ServerLostAfter"/>). When Redis is away the chat goes
/// on locally, the members are told once, and once again when it is back; lines lost meanwhile are counted by
/// their sequence numbers and reported to the rooms. docs/chat-protocol.md, "Several servers", says what members see.
/// </summary>
public sealed partial class RedisChatHub : IChatHub, IAsyncDisposable
{
    /// <summary>Deletes a nick's claim only if this server holds it, in one step.</summary>
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private readonly ChatHub _local;
    private readonly int _maxMembers;
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly ISubscriber _subscriber;
    private readonly BackplaneKeys _keys;
    private readonly Publisher _publisher;
    private readonly Task _publishing;
    private readonly SequenceTracker _sequences = new();
    private readonly BackplaneMetrics _metrics;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _server;
    private readonly long _epoch;
    private int _reachable;

    private RedisChatHub(RedisBackplaneOptions options, ChatOptions chat, ConnectionMultiplexer redis)
    {
        _local = new ChatHub(chat.DefaultRoom, chat.MaxMembers);
        _maxMembers = chat.MaxMembers;
        _redis = redis;
        _db = redis.GetDatabase();
        _subscriber = redis.GetSubscriber();
        _keys = new BackplaneKeys(options.KeyPrefix);
        _server = options.ServerId;
        _epoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _log = options.LoggerFactory?.CreateLogger<RedisChatHub>() ?? NullLogger<RedisChatHub>.Instance;
        _metrics = new BackplaneMetrics(options.MeterFactory, () => _publisher!.Pending);
        _publisher = new Publisher(_subscriber, _metrics, _server, _epoch, options.MaxPendingPublishes);
        _publishing = Task.Run(_publisher.RunAsync);
        LostAfter = options.ServerLostAfter;
    }

    /// <summary>This server's id in the cluster (<see cref="RedisBackplaneOptions.ServerId"/>).</summary>
    public string ServerId => _server;

    /// <summary>This run's epoch: its start in Unix milliseconds, carried by every message it sends.</summary>
    public long Epoch => _epoch;

    /// <summary>Whether Redis answered the last time this server asked.</summary>
    public bool IsReachable => Volatile.Read(ref _reachable) == 1;

    /// <summary>How soon a dead server's members are announced as gone (<see cref="RedisBackplaneOptions.ServerLostAfter"/>).</summary>
    public TimeSpan LostAfter { get; }

    /// <inheritdoc/>
    public int MemberCount => _local.MemberCount;

    /// <summary>
    /// Connects to Redis and joins the cluster. Redis need not be up yet: the chat then serves its own members,
    /// and joins the others as soon as Redis answers (logged). <paramref name="chat"/> gives the default room and
    /// this server's member limit.
    /// </summary>
    public static async Task<RedisChatHub> ConnectAsync(RedisBackplaneOptions options, ChatOptions chat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(chat);
        options.Validate();
        chat.Validate();
        var configuration = options.Redis!.Clone();
        configuration.AbortOnConnectFail = false; // start without Redis; it reconnects by itself
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // while Redis is away a command fails at once, never queues
        configuration.ReconnectRetryPolicy ??= new LinearRetry(500);
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken);
        var hub = new RedisChatHub(options, chat, redis);
        try
        {
            await hub.StartAsync();
        }
        catch (ServerStartException)
        {
            await hub.AbandonAsync();
            throw;
        }

        return hub;
    }

    /// <summary>Leaves without touching Redis's keys: they belong to the server that holds our id.</summary>
    private async Task AbandonAsync()
    {
        _publisher.Complete();
        await _publishing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _redis.CloseAsync();
        _redis.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    private async Task StartAsync()
    {
        _redis.ConnectionFailed += (_, e) => MarkUnreachable(e.FailureType.ToString());

        // The first attempt may not have finished (a busy machine, Redis starting): give it the connect timeout,
        // so that the first members' nicks are claimed; after that the chat starts anyway and joins when it can.
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(_redis.TimeoutMilliseconds);
        while (!_redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        if (_redis.IsConnected)
        {
            await ClaimServerIdAsync();
        }

        BackplaneLog.Started(_log, _server, _epoch, string.Join(' ', _redis.GetEndPoints().Select(e => e.ToString())));

        await BeatAsync(); // subscribes to our own channel once Redis answers (ResyncAsync)
        _presence = Task.Run(RunPresenceAsync);
    }

    /// <inheritdoc/>
    public async ValueTask<ChatRegistration> RegisterAsync(IChatMember member, string nick, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(nick);
        if (_local.NickOf(member) is not null)
        {
            return ChatRegistration.Done;
        }

        if (_local.MemberCount >= _maxMembers)
        {
            return ChatRegistration.Full;
        }

        var claim = await ClaimAsync(nick);
        if (claim == Claim.Taken)
        {
            return ChatRegistration.NickTaken;
        }

        var result = _local.Register(member, nick);
        if (result != ChatRegistration.Done)
        {
            if (claim == Claim.Claimed)
            {
                Release(nick);
            }

            return result;
        }

        var room = _local.RoomOf(member);
        if (room is null)
        {
            return result; // already gone again
        }

        Fire(() => _db.HashSetAsync(_keys.Members(_server), nick, room, flags: CommandFlags.FireAndForget));
        await ReconcileAsync(room);
        _publisher.Enqueue(_keys.Room(room), EnvelopeKind.Room, room, ChatNotices.Joined(nick, room));
        if (!IsReachable)
        {
            member.Deliver(BackplaneNotices.Unreachable);
        }

        return ChatRegistration.Done;
    }

    /// <inheritdoc/>
    public async ValueTask UnregisterAsync(IChatMember member, string reason)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(reason);
        var nick = _local.NickOf(member);
        var room = _local.RoomOf(member);
        _local.Unregister(member, reason);
        if (nick is null || room is null)
        {
            return;
        }

        // The release goes out before the notice, on the same connection, so Redis frees the nick before any server
        // hears "left": a member who reads it may take the nick at once.
        Fire(() => _db.HashDeleteAsync(_keys.Members(_server), nick, CommandFlags.FireAndForget));
        Release(nick);
        _publisher.Enqueue(_keys.Room(room), EnvelopeKind.Room, room, ChatNotices.Left(nick, room, reason));
        await ReconcileAsync(room);
    }

    /// <inheritdoc/>
    public async ValueTask<ChatRegistration> RenameAsync(IChatMember member, string newNick, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(newNick);
        var oldNick = _local.NickOf(member);
        if (oldNick is null)
        {
            return ChatRegistration.NotMember;
        }

        var sameKey = string.Equals(oldNick, newNick, StringComparison.OrdinalIgnoreCase);
        var claim = sameKey ? Claim.Ours : await ClaimAsync(newNick);
        if (claim == Claim.Taken)
        {
            return ChatRegistration.NickTaken;
        }

        var result = _local.Rename(member, newNick);
        if (result != ChatRegistration.Done)
        {
            if (claim == Claim.Claimed)
            {
                Release(newNick);
            }

            return result;
        }

        if (!sameKey)
        {
            Release(oldNick);
        }

        if (_local.RoomOf(member) is { } room)
        {
            Fire(() => _db.HashDeleteAsync(_keys.Members(_server), oldNick, CommandFlags.FireAndForget));
            Fire(() => _db.HashSetAsync(_keys.Members(_server), newNick, room, flags: CommandFlags.FireAndForget));
            _publisher.Enqueue(_keys.Room(room), EnvelopeKind.Room, room, ChatNotices.Renamed(oldNick, newNick));
        }

        return ChatRegistration.Done;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> JoinAsync(IChatMember member, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        var nick = _local.NickOf(member);
        var oldRoom = _local.RoomOf(member);
        if (nick is null || oldRoom is null || !_local.Join(member, room))
        {
            return false;
        }

        var newRoom = _local.RoomOf(member) ?? room;
        Fire(() => _db.HashSetAsync(_keys.Members(_server), nick, newRoom, flags: CommandFlags.FireAndForget));
        _publisher.Enqueue(_keys.Room(oldRoom), EnvelopeKind.Room, oldRoom, ChatNotices.Left(nick, oldRoom, "joined " + newRoom));
        _publisher.Enqueue(_keys.Room(newRoom), EnvelopeKind.Room, newRoom, ChatNotices.Joined(nick, newRoom));
        await ReconcileAsync(newRoom);
        await ReconcileAsync(oldRoom);
        return true;
    }

    /// <inheritdoc/>
    public void SendToRoom(IChatMember from, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(from);
        _local.SendToRoom(from, message); // neighbours first: nothing here waits on Redis
        if (_local.RoomOf(from) is { } room)
        {
            _publisher.Enqueue(_keys.Room(room), EnvelopeKind.Room, room, message);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> SendToAsync(string nick, ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nick);
        if (_local.SendTo(nick, message))
        {
            return true;
        }

        if (!IsReachable)
        {
            return false;
        }

        try
        {
            var holder = (string?)await _db.StringGetAsync(_keys.Nick(nick));
            if (holder is null || holder == _server || !await _db.KeyExistsAsync(_keys.Alive(holder)))
            {
                return false;
            }

            return _publisher.Enqueue(_keys.Server(holder), EnvelopeKind.Private, nick, message);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            MarkUnreachable(e.Message);
            return false;
        }
    }

    /// <inheritdoc/>
    public string? NickOf(IChatMember member) => _local.NickOf(member);

    /// <inheritdoc/>
    public string? RoomOf(IChatMember member) => _local.RoomOf(member);

    /// <inheritdoc/>
    public async ValueTask<int> CountInAsync(string room, CancellationToken cancellationToken = default) =>
        (await MembersOfAsync(room, cancellationToken)).Count;

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> MembersOfAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        var nicks = new HashSet<string>(_local.MembersOf(room), StringComparer.OrdinalIgnoreCase);
        foreach (var (nick, theirRoom) in await RemoteMembersAsync())
        {
            if (theirRoom == room)
            {
                nicks.Add(nick);
            }
        }

        var sorted = nicks.ToArray();
        Array.Sort(sorted, StringComparer.OrdinalIgnoreCase);
        return sorted;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ChatRoomInfo>> RoomsAsync(CancellationToken cancellationToken = default)
    {
        var counts = _local.Rooms().ToDictionary(r => r.Name, r => r.MemberCount, StringComparer.Ordinal);
        foreach (var (_, room) in await RemoteMembersAsync())
        {
            counts[room] = counts.GetValueOrDefault(room) + 1;
        }

        return [.. counts.Select(c => new ChatRoomInfo(c.Key, c.Value)).OrderBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>Leaves the cluster: stops the presence, publishes what is queued, removes this server's keys.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_presence is not null)
        {
            await _presence;
        }

        _publisher.Complete();
        await _publishing.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (IsReachable)
        {
            try
            {
                foreach (var (_, nick, _) in _local.Snapshot())
                {
                    await _db.ScriptEvaluateAsync(ReleaseScript, [_keys.Nick(nick)], [_server]);
                }

                await _db.KeyDeleteAsync([_keys.Alive(_server), _keys.Members(_server)]);
                await _db.SetRemoveAsync(_keys.Servers, _server);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                // Redis went away as we left: our presence expires by itself and the others clean up after us.
            }
        }

        await _redis.CloseAsync();
        _redis.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    private enum Claim
    {
        /// <summary>This call claimed the nick in Redis.</summary>
        Claimed,

        /// <summary>Already this server's, or Redis away: the local hub decides alone (a resync claims it later).</summary>
        Ours,

        /// <summary>Another server's member has it.</summary>
        Taken,
    }

    private async ValueTask<Claim> ClaimAsync(string nick)
    {
        if (!IsReachable)
        {
            return Claim.Ours;
        }

        try
        {
            var key = _keys.Nick(nick);
            if (await _db.StringSetAsync(key, _server, when: When.NotExists))
            {
                return Claim.Claimed;
            }

            return (string?)await _db.StringGetAsync(key) == _server ? Claim.Ours : Claim.Taken;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            MarkUnreachable(e.Message);
            return Claim.Ours;
        }
    }

    private void Release(string nick) =>
        Fire(() => _db.ScriptEvaluateAsync(ReleaseScript, [_keys.Nick(nick)], [_server], CommandFlags.FireAndForget));

    /// <summary>
    /// A write whose reply nobody waits for. While Redis is away it fails at once and is dropped: the resync on
    /// reconnection writes this server's members and nicks anew from the local hub, the one source of truth.
    /// </summary>
    private static void Fire(Func<Task> command)
    {
        try
        {
            _ = command().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            // Redis away; see above.
        }
    }

    private static bool IsRedisFailure(Exception e) => e is RedisException or TimeoutException or ObjectDisposedException;
}
