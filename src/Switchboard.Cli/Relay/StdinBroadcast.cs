using System.Threading.Channels;

namespace Switchboard.Cli.Relay;

/// <summary>
/// One stdin shared by many peers (<c>listen --keep-open</c>, as ncat's broker does): every chunk read goes to every
/// peer connected at that moment. Stdin is first read when the first peer subscribes. Each share holds a few chunks;
/// the next read waits for room in all of them, so a slow peer slows the others and memory stays bounded. A peer
/// whose share stays full for <see cref="SlowPeerTimeout"/> (it does not read what we send) is dropped, with a note
/// on stderr naming it, and the others go on. At stdin EOF every share ends, and so do shares taken later.
/// </summary>
internal sealed class StdinBroadcast(IStdinSource stdin, TimeSpan? slowPeerTimeout = null, TextWriter? notes = null)
{
    /// <summary>How long stdin waits for one peer that takes nothing before that peer is dropped. Defaults to 5 s.</summary>
    public static readonly TimeSpan DefaultSlowPeerTimeout = TimeSpan.FromSeconds(5);

    private const int ChunksHeldPerPeer = 16;

    private readonly Lock _lock = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _pump;

    /// <summary>Completes at stdin EOF (stdin is first read when the first peer subscribes).</summary>
    public Task Ended => _ended.Task;

    public TimeSpan SlowPeerTimeout { get; } = slowPeerTimeout ?? DefaultSlowPeerTimeout;

    /// <summary>
    /// A share of stdin for <paramref name="peer"/> (its name in the note); <paramref name="drop"/> ends that peer's
    /// connection when it falls behind. <paramref name="unsubscribe"/> gives the share up.
    /// </summary>
    public IStdinSource Subscribe(string peer, Action drop, out Action unsubscribe)
    {
        var subscriber = new Subscriber(
            peer, drop, Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ChunksHeldPerPeer) { SingleReader = true, SingleWriter = true }));
        lock (_lock)
        {
            if (_ended.Task.IsCompleted)
            {
                subscriber.Share.Writer.TryComplete();
            }
            else
            {
                _subscribers.Add(subscriber);
                _pump ??= Task.Run(PumpAsync);
            }
        }

        unsubscribe = () => Remove(subscriber);
        return new Share(subscriber.Share.Reader);
    }

    private bool Remove(Subscriber subscriber)
    {
        bool removed;
        lock (_lock)
        {
            removed = _subscribers.Remove(subscriber);
        }

        subscriber.Share.Writer.TryComplete();
        return removed;
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await stdin.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                var chunk = buffer[..n];
                Subscriber[] subscribers;
                lock (_lock)
                {
                    subscribers = [.. _subscribers];
                }

                // Most shares have room; only the full ones are waited for, all at once, each at most SlowPeerTimeout.
                var waits = subscribers.Where(s => !s.Share.Writer.TryWrite(chunk)).Select(s => OfferAsync(s, chunk)).ToArray();
                await Task.WhenAll(waits);
            }
        }
        finally
        {
            lock (_lock)
            {
                _ended.TrySetResult();
                _subscribers.ForEach(s => s.Share.Writer.TryComplete());
                _subscribers.Clear();
            }
        }
    }

    private async Task OfferAsync(Subscriber subscriber, byte[] chunk)
    {
        using var timeout = new CancellationTokenSource(SlowPeerTimeout);
        try
        {
            await subscriber.Share.Writer.WriteAsync(chunk, timeout.Token);
        }
        catch (ChannelClosedException)
        {
            // That peer left while we waited for room.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            if (Remove(subscriber))
            {
                (notes ?? Console.Error).WriteLine(
                    $"switchboard: dropped {subscriber.Peer}: it took no stdin for {SlowPeerTimeout.TotalSeconds:0.#} s; the other peers go on");
                subscriber.Drop();
            }
        }
    }

    private sealed record Subscriber(string Peer, Action Drop, Channel<byte[]> Share);

    private sealed class Share(ChannelReader<byte[]> reader) : IStdinSource
    {
        private ReadOnlyMemory<byte> _pending;

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_pending.IsEmpty)
            {
                byte[]? chunk;
                while (!reader.TryRead(out chunk))
                {
                    if (!await reader.WaitToReadAsync(cancellationToken))
                    {
                        return 0;
                    }
                }

                _pending = chunk;
            }

            var n = Math.Min(buffer.Length, _pending.Length);
            _pending[..n].CopyTo(buffer);
            _pending = _pending[n..];
            return n;
        }
    }
}
