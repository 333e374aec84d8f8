using System.Threading.Channels;

namespace Switchboard.Cli.Relay;

/// <summary>
/// One stdin shared by many peers (<c>listen --keep-open</c>, as ncat's broker does): every chunk read goes to every
/// peer connected at that moment. Stdin is first read when the first peer subscribes; a slow peer slows the others
/// (each share holds a few chunks), never memory. At stdin EOF every share ends, and so do shares taken later.
/// </summary>
internal sealed class StdinBroadcast(IStdinSource stdin)
{
    private const int ChunksHeldPerPeer = 16;

    private readonly Lock _lock = new();
    private readonly List<Channel<byte[]>> _shares = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _pump;

    /// <summary>Completes at stdin EOF (stdin is first read when the first peer subscribes).</summary>
    public Task Ended => _ended.Task;

    public IStdinSource Subscribe(out Action unsubscribe)
    {
        var share = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ChunksHeldPerPeer) { SingleReader = true, SingleWriter = true });
        lock (_lock)
        {
            if (_ended.Task.IsCompleted)
            {
                share.Writer.TryComplete();
            }
            else
            {
                _shares.Add(share);
                _pump ??= Task.Run(PumpAsync);
            }
        }

        unsubscribe = () =>
        {
            lock (_lock)
            {
                _shares.Remove(share);
            }

            share.Writer.TryComplete();
        };
        return new Share(share.Reader);
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
                Channel<byte[]>[] shares;
                lock (_lock)
                {
                    shares = [.. _shares];
                }

                foreach (var share in shares)
                {
                    try
                    {
                        await share.Writer.WriteAsync(chunk);
                    }
                    catch (ChannelClosedException)
                    {
                        // That peer left while we waited for room.
                    }
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _ended.TrySetResult();
                _shares.ForEach(s => s.Writer.TryComplete());
                _shares.Clear();
            }
        }
    }

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
