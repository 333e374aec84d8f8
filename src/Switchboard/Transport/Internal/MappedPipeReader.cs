using System.IO.Pipelines;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Another transport's input pipe as it is, but for its failures, which reach the handler as the library's
/// (<see cref="PipeFailures"/>). No buffer and no copy: every call goes straight to the transport's reader.
/// </summary>
internal sealed class MappedPipeReader(PipeReader inner, Connection owner, Func<Exception, CloseReason?>? classify) : PipeReader
{
    public override bool TryRead(out ReadResult result)
    {
        try
        {
            return inner.TryRead(out result);
        }
        catch (Exception e) when (PipeFailures.Map(e, owner, classify) is var mapped && mapped != e)
        {
            throw mapped;
        }
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<ReadResult> pending;
        try
        {
            pending = inner.ReadAsync(cancellationToken);
        }
        catch (Exception e) when (PipeFailures.Map(e, owner, classify) is var mapped && mapped != e)
        {
            return ValueTask.FromException<ReadResult>(mapped);
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(pending);
    }

    private async ValueTask<ReadResult> AwaitAsync(ValueTask<ReadResult> pending)
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

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
