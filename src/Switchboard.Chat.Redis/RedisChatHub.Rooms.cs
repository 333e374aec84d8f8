using StackExchange.Redis;
using Switchboard.Chat.Redis.Internal;

namespace Switchboard.Chat.Redis;

/// <summary>The room subscriptions and what arrives on them.</summary>
public sealed partial class RedisChatHub
{
    private readonly SemaphoreSlim _roomsGate = new(1, 1);
    private readonly Dictionary<string, ChannelMessageQueue> _subscribed = new(StringComparer.Ordinal);

    /// <summary>
    /// Subscribes to <paramref name="room"/>'s channel when it has members here and is not subscribed, and the
    /// other way round: one subscription per room with local members. Serialised, so a join racing the last
    /// leave cannot end unsubscribed with a member in the room.
    /// </summary>
    private async Task ReconcileAsync(string room)
    {
        await _roomsGate.WaitAsync();
        try
        {
            var wanted = _local.CountIn(room) > 0;
            var held = _subscribed.TryGetValue(room, out var queue);
            if (wanted && !held)
            {
                try
                {
                    queue = await _subscriber.SubscribeAsync(_keys.Room(room));
                    queue.OnMessage(message => OnRoomMessage(room, message));
                    _subscribed[room] = queue;
                }
                catch (Exception e) when (IsRedisFailure(e))
                {
                    MarkUnreachable(e.Message); // the resync subscribes when Redis is back
                }
            }
            else if (!wanted && held)
            {
                _subscribed.Remove(room);
                _sequences.Forget(room);
                try
                {
                    await queue!.UnsubscribeAsync();
                }
                catch (Exception e) when (IsRedisFailure(e))
                {
                    // Away anyway; the server will not resubscribe a channel it no longer holds.
                }
            }
        }
        finally
        {
            _roomsGate.Release();
        }
    }

    /// <summary>
    /// A line from another server for <paramref name="room"/>. Runs on StackExchange.Redis's reader, in order,
    /// and never blocks it: delivery only queues (<see cref="IChatMember.Deliver"/>). Redis disconnects a
    /// subscriber whose output buffer passes its pubsub limit, so a reader that waited would lose everything.
    /// </summary>
    private void OnRoomMessage(string room, ChannelMessage message)
    {
        if (!BackplaneEnvelope.TryDecode((byte[]?)message.Message ?? [], out var envelope) || envelope.Server == _server)
        {
            return; // our own: delivered locally before it was published
        }

        var sync = envelope.Kind == EnvelopeKind.Sync;
        var missed = sync
            ? _sequences.Synced(room, envelope.Server, envelope.Epoch, envelope.Sequence)
            : _sequences.Observe(room, envelope.Server, envelope.Epoch, envelope.Sequence);
        if (missed > 0)
        {
            _metrics.Missed(missed);
            BackplaneLog.Missed(_log, missed, envelope.Server, "room " + room);
            _local.DeliverToRoom(room, BackplaneNotices.Missed(missed, envelope.Server));
        }

        if (!sync)
        {
            _metrics.Received();
            _local.DeliverToRoom(room, new ChatMessage(envelope.Line));
        }
    }

    /// <summary>A private line from another server for one of our members (gone meanwhile: dropped, as on one server).</summary>
    private void OnPrivateMessage(ChannelMessage message)
    {
        if (!BackplaneEnvelope.TryDecode((byte[]?)message.Message ?? [], out var envelope) || envelope.Server == _server)
        {
            return;
        }

        _metrics.Received();
        var missed = _sequences.Observe("", envelope.Server, envelope.Epoch, envelope.Sequence);
        if (missed > 0)
        {
            _metrics.Missed(missed);
            BackplaneLog.Missed(_log, missed, envelope.Server, "private");
        }

        _local.SendTo(envelope.Target, new ChatMessage(envelope.Line));
    }

    /// <summary>The members of the other live servers, as (nick, room); none while Redis is away.</summary>
    private async Task<List<(string Nick, string Room)>> RemoteMembersAsync()
    {
        var members = new List<(string, string)>();
        if (!IsReachable)
        {
            return members;
        }

        try
        {
            var servers = (await _db.SetMembersAsync(_keys.Servers)).Select(s => (string)s!).Where(s => s != _server).ToList();
            var alive = await Task.WhenAll(servers.Select(s => _db.KeyExistsAsync(_keys.Alive(s))));
            var hashes = await Task.WhenAll(servers.Where((_, i) => alive[i]).Select(s => _db.HashGetAllAsync(_keys.Members(s))));
            foreach (var entry in hashes.SelectMany(h => h))
            {
                members.Add(((string)entry.Name!, (string)entry.Value!));
            }
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            MarkUnreachable(e.Message);
        }

        return members;
    }
}
