using System.Runtime.InteropServices;
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
                    _ = Task.Run(() => PumpRoomAsync(room, queue));
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

    /// <summary>Lines taken from a room's subscription at once, at most, and handed to its members together.</summary>
    private const int DeliveryBatch = 256;

    /// <summary>
    /// What arrives for <paramref name="room"/> from other servers, in order, until unsubscribed. Everything queued
    /// is taken at once (up to <see cref="DeliveryBatch"/>) and each member gets it in one step, so the members'
    /// writers find the lines together: one lock and one wake-up per member and batch, not per line, and fewer,
    /// larger socket writes. Never blocks StackExchange.Redis's reader (it only queues for us): Redis disconnects a
    /// subscriber whose output buffer passes its pubsub limit, so a reader that waited would lose everything.
    /// </summary>
    private async Task PumpRoomAsync(string room, ChannelMessageQueue queue)
    {
        var lines = new List<ChatMessage>(DeliveryBatch);
        while (true)
        {
            ChannelMessage next;
            try
            {
                next = await queue.ReadAsync();
            }
            catch (Exception)
            {
                return; // unsubscribed (the queue completed), or the connection was disposed
            }

            do
            {
                OnRoomMessage(room, next, lines);
            }
            while (lines.Count < DeliveryBatch && queue.TryRead(out next));

            if (lines.Count > 0)
            {
                _local.DeliverToRoom(room, CollectionsMarshal.AsSpan(lines));
                lines.Clear();
            }
        }
    }

    /// <summary>One message from another server for <paramref name="room"/>: its line (after a notice of any gap) goes on <paramref name="lines"/>.</summary>
    private void OnRoomMessage(string room, ChannelMessage message, List<ChatMessage> lines)
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
            lines.Add(BackplaneNotices.Missed(missed, envelope.Server));
        }

        if (!sync)
        {
            _metrics.Received();
            lines.Add(new ChatMessage(envelope.Line));
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
