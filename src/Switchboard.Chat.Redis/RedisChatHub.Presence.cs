using System.Globalization;
using StackExchange.Redis;
using Switchboard.Chat.Redis.Internal;
using Switchboard.Serving;

namespace Switchboard.Chat.Redis;

/// <summary>Presence: this server's heartbeat, the others' deaths and returns, Redis lost and back.</summary>
public sealed partial class RedisChatHub
{
    /// <summary>Servers whose members were announced as gone, until they come back or their keys expire.</summary>
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private Task? _presence;
    private bool _idConflictLogged;

    private string EpochText => _epoch.ToString(CultureInfo.InvariantCulture);
    private bool _privateSubscribed;

    /// <summary>Heartbeats per <see cref="LostAfter"/>: a lost server is seen within presence lifetime plus one beat.</summary>
    private TimeSpan Beat => LostAfter / 5;

    /// <summary>The presence key's lifetime: three beats, so two missed refreshes are not yet a death.</summary>
    private TimeSpan AliveFor => Beat * 3;

    /// <summary>The members hash outlives the presence, so every server can still read whom a lost one had.</summary>
    private TimeSpan MembersFor => LostAfter * 2;

    /// <summary>
    /// Takes our id's presence key, or refuses to start: two servers with one id would overwrite each other's
    /// members and nicks, and neither could tell the other was gone. A key left by an earlier run that died
    /// (kill -9, then a restart) stops being refreshed and lapses within <see cref="AliveFor"/>: we wait for it.
    /// A key whose lifetime goes back up meanwhile is being refreshed by a live server: <see cref="ServerStartException"/>.
    /// </summary>
    private async Task ClaimServerIdAsync()
    {
        var key = _keys.Alive(_server);
        var started = DateTime.UtcNow;
        var giveUp = started + AliveFor + Beat;
        TimeSpan? lastLeft = null;
        var waiting = false;
        try
        {
            while (!await _db.StringSetAsync(key, _epoch, AliveFor, When.NotExists))
            {
                var holder = (string?)await _db.StringGetAsync(key) ?? "?";
                // No lifetime: it lapsed just now (the next SET takes it), or was set without one (giveUp ends that).
                var left = await _db.KeyTimeToLiveAsync(key);
                if ((lastLeft is { } before && left is { } now && now > before + TimeSpan.FromMilliseconds(50)) || DateTime.UtcNow > giveUp)
                {
                    throw new ServerStartException(
                        $"server id {_server} is in use: another chat server with it is running on this Redis (epoch {holder}); give each server its own id");
                }

                if (!waiting && DateTime.UtcNow > started + Beat)
                {
                    // Not refreshed for a whole beat: an earlier run that died, not a live server. Said only now,
                    // so a refusal is the one line a user reads.
                    BackplaneLog.WaitingForServerId(_log, _server, holder);
                    waiting = true;
                }

                lastLeft = left;
                await Task.Delay(left is null ? 10 : 100);
            }
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            MarkUnreachable(e.Message); // Redis went away: the beats will claim it, and tell us of a conflict
        }
    }

    private async Task RunPresenceAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Beat, _stopping.Token);
                await BeatAsync();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Refreshes our presence; on the first answer after Redis was away, writes our state anew; then looks at the others.</summary>
    private async Task BeatAsync()
    {
        try
        {
            var previous = (string?)await _db.StringSetAndGetAsync(_keys.Alive(_server), _epoch, AliveFor);
            if (previous is not null && previous != EpochText && !_idConflictLogged)
            {
                _idConflictLogged = true; // once: the two will keep overwriting each other until one stops
                BackplaneLog.ServerIdConflict(_log, _server, previous);
            }

            await _db.SetAddAsync(_keys.Servers, _server);
            await _db.KeyExpireAsync(_keys.Members(_server), MembersFor);
            if (Interlocked.Exchange(ref _reachable, 1) == 0)
            {
                await ResyncAsync();
            }

            await WatchOthersAsync();
            SyncRooms();
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            MarkUnreachable(e.Message);
        }
    }

    /// <summary>
    /// Tells every server in our rooms, in order after our lines, the last number we gave a line there: one that
    /// was cut off learns at our next beat after it is back how many it missed, not only at our next line.
    /// </summary>
    private void SyncRooms()
    {
        foreach (var room in _local.Rooms())
        {
            _publisher.EnqueueSync(_keys.Room(room.Name), room.Name);
        }
    }

    private void MarkUnreachable(string reason)
    {
        if (_stopping.IsCancellationRequested || Interlocked.Exchange(ref _reachable, 0) == 0)
        {
            return;
        }

        BackplaneLog.Unreachable(_log, reason);
        TellEveryone(BackplaneNotices.Unreachable);
    }

    /// <summary>
    /// Redis is back (or answers for the first time): it may have restarted empty, or the others may have taken us
    /// for dead, so this server's members, nicks and rooms are written again from the local hub.
    /// </summary>
    private async Task ResyncAsync()
    {
        if (!_privateSubscribed)
        {
            var own = await _subscriber.SubscribeAsync(_keys.Server(_server));
            own.OnMessage(OnPrivateMessage);
            _privateSubscribed = true; // StackExchange.Redis restores it after a reconnection by itself
        }

        var members = _local.Snapshot();
        var current = members.Select(m => m.Nick).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var stale = await _db.HashKeysAsync(_keys.Members(_server));
        foreach (var nick in stale.Select(n => (string)n!).Where(n => !current.Contains(n)))
        {
            await _db.ScriptEvaluateAsync(ReleaseScript, [_keys.Nick(nick)], [_server]);
        }

        await _db.KeyDeleteAsync(_keys.Members(_server));
        if (members.Count > 0)
        {
            await _db.HashSetAsync(_keys.Members(_server), [.. members.Select(m => new HashEntry(m.Nick, m.Room))]);
            await _db.KeyExpireAsync(_keys.Members(_server), MembersFor);
        }

        foreach (var (member, nick, _) in members)
        {
            var key = _keys.Nick(nick);
            if (!await _db.StringSetAsync(key, _server, when: When.NotExists) && (string?)await _db.StringGetAsync(key) is { } holder && holder != _server)
            {
                BackplaneLog.NickConflict(_log, nick, holder);
                member.Deliver(BackplaneNotices.NickConflict(nick, holder));
            }
        }

        foreach (var room in members.Select(m => m.Room).Distinct(StringComparer.Ordinal))
        {
            await ReconcileAsync(room);
        }

        if (members.Count > 0 || _subscribed.Count > 0)
        {
            BackplaneLog.Reachable(_log);
            TellEveryone(BackplaneNotices.Reachable);
        }
    }

    /// <summary>
    /// Servers without presence are announced as gone, once, to our members of their rooms, and their nicks are
    /// released; a server announced so that has presence again is announced back. Every server does this for its
    /// own members; the releases are idempotent (compare and delete).
    /// </summary>
    private async Task WatchOthersAsync()
    {
        var servers = (await _db.SetMembersAsync(_keys.Servers)).Select(s => (string)s!).Where(s => s != _server).ToList();
        foreach (var server in servers)
        {
            var alive = await _db.KeyExistsAsync(_keys.Alive(server));
            var wasLost = _lost.Contains(server);
            if (alive == wasLost)
            {
                var members = await _db.HashGetAllAsync(_keys.Members(server));
                if (alive)
                {
                    _lost.Remove(server);
                    BackplaneLog.ServerBack(_log, server, members.Length);
                    foreach (var entry in members)
                    {
                        _local.DeliverToRoom((string)entry.Value!, ChatNotices.Joined((string)entry.Name!, (string)entry.Value!));
                    }

                    continue;
                }

                _lost.Add(server);
                BackplaneLog.ServerLost(_log, server, members.Length);
                foreach (var entry in members)
                {
                    var (nick, room) = ((string)entry.Name!, (string)entry.Value!);
                    // Released before it is announced: whoever reads "left" may take the nick at once.
                    await _db.ScriptEvaluateAsync(ReleaseScript, [_keys.Nick(nick)], [server]);
                    _local.DeliverToRoom(room, ChatNotices.Left(nick, room, BackplaneNotices.LostReason(server)));
                }
            }
            else if (!alive && !await _db.KeyExistsAsync(_keys.Members(server)))
            {
                // Lost long enough that its members hash expired: every server has seen it go.
                _lost.Remove(server);
                await _db.SetRemoveAsync(_keys.Servers, server);
            }
        }
    }

    private void TellEveryone(ChatMessage notice)
    {
        foreach (var (member, _, _) in _local.Snapshot())
        {
            member.Deliver(notice);
        }
    }
}
