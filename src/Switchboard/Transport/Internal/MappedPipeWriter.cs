using System.IO.Pipelines;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Another transport's output pipe as it is, but for its failures, which reach the handler as the library's
/// (<see cref="PipeFailures"/>). The buffers handed out are the transport's own: no copy.
/// </summary>
internal sealed class MappedPipeWriter(PipeWriter inner, Connection owner, Func<Exception, CloseReason?>? classify) : PipeWriter
{
    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override void Advance(int bytes) => inner.Advance(bytes);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> pending;
        try
        {
            pending = inner.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (PipeFailures.Map(e, owner, classify) is var mapped && mapped != e)
        {
            return ValueTask.FromException<FlushResult>(mapped);
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(pending);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> pending;
        try
        {
            pending = inner.WriteAsync(source, cancellationToken);
        }
        catch (Exception e) when (PipeFailures.Map(e, owner, classify) is var mapped && mapped != e)
        {
            return ValueTask.FromException<FlushResult>(mapped);
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(pending);
    }

    private async ValueTask<FlushResult> AwaitAsync(ValueTask<FlushResult> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (PipeFailures.Map(e, owner, classify) is var mapped && mapped != e)
        {
            throw mapped;
        }
    }
}
