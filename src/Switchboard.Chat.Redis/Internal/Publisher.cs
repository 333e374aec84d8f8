using System.Threading.Channels;
using StackExchange.Redis;

namespace Switchboard.Chat.Redis.Internal;

/// <summary>
/// The one path from this server's sessions to Redis: a bounded queue that a session writes to without waiting,
/// and one loop that publishes from it in order. A line gets its sequence number when queued, so one dropped here
/// (queue full, Redis away) is a gap the receivers see and report. One loop and one connection keep each
/// sender's lines in order: StackExchange.Redis sends the commands of one connection in the order issued.
/// </summary>
internal sealed class Publisher
{
    /// <summary>Publishes issued before their replies are awaited: a pipeline, not one round trip per line.</summary>
    private const int Batch = 256;

    private readonly Channel<(RedisChannel Channel, byte[] Payload)> _queue;
    private readonly Lock _sequenceLock = new();
    private readonly Dictionary<RedisChannel, long> _sequences = [];
    private readonly ISubscriber _subscriber;
    private readonly BackplaneMetrics _metrics;
    private readonly string _server;
    private readonly long _epoch;
    private long _pending;

    public Publisher(ISubscriber subscriber, BackplaneMetrics metrics, string server, long epoch, int capacity)
    {
        _subscriber = subscriber;
        _metrics = metrics;
        _server = server;
        _epoch = epoch;
        _queue = Channel.CreateBounded<(RedisChannel, byte[])>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing waits
        });
    }

    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Queues <paramref name="line"/> for <paramref name="channel"/>; never waits. False (counted) when the queue is full.</summary>
    public bool Enqueue(RedisChannel channel, EnvelopeKind kind, string target, ChatMessage line)
    {
        lock (_sequenceLock)
        {
            // Numbered and queued under one lock, so the queue's order is the numbers' order.
            _sequences.TryGetValue(channel, out var sequence);
            _sequences[channel] = ++sequence;
            var payload = new BackplaneEnvelope(kind, _server, _epoch, sequence, target, line.Bytes).Encode();
            if (_queue.Writer.TryWrite((channel, payload)))
            {
                Interlocked.Increment(ref _pending);
                return true;
            }
        }

        _metrics.DroppedQueueFull();
        return false;
    }

    /// <summary>
    /// Queues a <see cref="EnvelopeKind.Sync"/> for <paramref name="channel"/> carrying its last number so far,
    /// behind every line so numbered; nothing if no line was numbered there yet. It takes no number itself, so
    /// one dropped (the queue full) is no gap: the next beat sends another.
    /// </summary>
    public void EnqueueSync(RedisChannel channel, string target)
    {
        lock (_sequenceLock)
        {
            if (_sequences.TryGetValue(channel, out var sequence)
                && _queue.Writer.TryWrite((channel, new BackplaneEnvelope(EnvelopeKind.Sync, _server, _epoch, sequence, target, default).Encode())))
            {
                Interlocked.Increment(ref _pending);
            }
        }
    }

    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Publishes until <see cref="Complete"/>; a batch that fails (Redis away) is counted as dropped, not retried.</summary>
    public async Task RunAsync()
    {
        var reader = _queue.Reader;
        var sends = new List<Task>(Batch);
        while (await reader.WaitToReadAsync())
        {
            var taken = 0;
            while (taken < Batch && reader.TryRead(out var item))
            {
                taken++;
                try
                {
                    sends.Add(_subscriber.PublishAsync(item.Channel, item.Payload));
                }
                catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
                {
                    _metrics.DroppedUnreachable(1); // refused before it was sent (Redis away, fail fast)
                }
            }

            Interlocked.Add(ref _pending, -taken);
            foreach (var send in sends)
            {
                try
                {
                    await send;
                    _metrics.Published(1);
                }
                catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
                {
                    _metrics.DroppedUnreachable(1);
                }
            }

            sends.Clear();
        }
    }
}
