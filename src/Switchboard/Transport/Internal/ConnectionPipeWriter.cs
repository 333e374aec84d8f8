using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// A <see cref="PipeWriter"/> that sends on flush: writes gather in pooled segments and <see cref="FlushAsync"/>
/// sends them and returns only when the kernel has taken every byte, so a slow peer slows its own handler and
/// nothing queues without bound. <see cref="WriteAsync"/> with nothing buffered sends the caller's memory as it is.
/// </summary>
internal sealed class ConnectionPipeWriter : PipeWriter
{
    private static readonly PipeOptions BufferOptions = new(pauseWriterThreshold: 0, useSynchronizationContext: false);
    private readonly SocketIO _io;
    private readonly Connection _owner;
    private long _buffered;

    // Made on the first buffered write: a handler that only writes memory of its own (echo) never needs it, and an
    // idle connection of such a handler holds no pipe (about half a kilobyte with its options and segments).
    private Pipe? _pipe;

    public ConnectionPipeWriter(SocketIO io, Connection owner)
    {
        _io = io;
        _owner = owner;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _buffered;

    private Pipe Buffer => _pipe ??= new Pipe(BufferOptions);

    public override void Advance(int bytes)
    {
        Buffer.Writer.Advance(bytes);
        _buffered += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Buffer.Writer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Buffer.Writer.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _pipe?.Writer.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => Buffer.Writer.Complete(exception);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_buffered == 0)
        {
            return default;
        }

        var count = _buffered;
        var pipe = Buffer;
        await pipe.Writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        pipe.Reader.TryRead(out var pending);
        try
        {
            foreach (var segment in pending.Buffer)
            {
                await _io.SendAsync(segment, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ConnectionFailures.Map(e, _owner) is { } mapped)
        {
            throw mapped; // the socket's error as the library's exception, the original inside
        }
        finally
        {
            // On a failed send the bytes are dropped with the connection; never send them twice.
            pipe.Reader.AdvanceTo(pending.Buffer.End);
            _buffered = 0;
        }

        _owner.OnSent(count);
        return default;
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_buffered > 0)
        {
            return FlushThenSendAsync(source, cancellationToken);
        }

        // An echo's write: usually the kernel takes it at once, and no async state machine runs.
        ValueTask sending;
        try
        {
            sending = _io.SendAsync(source, cancellationToken);
        }
        catch (Exception e)
        {
            // A blocking send, or a socket already closed, throws on the call: report it through the task, as an
            // async write would, so a caller that starts several writes before awaiting them starts them all.
            return ValueTask.FromException<FlushResult>(ConnectionFailures.Map(e, _owner) ?? e);
        }

        if (!sending.IsCompletedSuccessfully)
        {
            return AwaitSendAsync(sending, source.Length);
        }

        sending.GetAwaiter().GetResult();
        _owner.OnSent(source.Length);
        return default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> FlushThenSendAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _io.SendAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ConnectionFailures.Map(e, _owner) is { } mapped)
        {
            throw mapped;
        }

        _owner.OnSent(source.Length);
        return default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> AwaitSendAsync(ValueTask sending, int length)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception e) when (ConnectionFailures.Map(e, _owner) is { } mapped)
        {
            throw mapped;
        }

        _owner.OnSent(length);
        return default;
    }
}
