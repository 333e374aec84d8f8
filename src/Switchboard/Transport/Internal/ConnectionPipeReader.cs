using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// A <see cref="PipeReader"/> filled on demand: the socket is read only when the handler asks for more than it has
/// examined. There is no background receive loop, so the same reader works on a blocking thread, a select loop and
/// the thread pool, and a handler that stops reading pushes back on its peer through TCP at once.
/// </summary>
internal sealed class ConnectionPipeReader : PipeReader
{
    private const int MinimumReceiveSize = 2048;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly SocketIO _io;
    private readonly Connection _owner;
    private ReadOnlySequence<byte> _lastBuffer;
    private bool _everythingExamined = true;
    private bool _endOfStream;
    private bool _cancelRequested;

    public ConnectionPipeReader(SocketIO io, Connection owner)
    {
        _io = io;
        _owner = owner;
    }

    /// <summary>True once the peer has ended its stream (FIN).</summary>
    public bool SawEndOfStream => _endOfStream;

    /// <summary>True when bytes are buffered that the handler has not examined yet.</summary>
    public bool HasUnexaminedData => !_everythingExamined;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_everythingExamined && !_endOfStream && !_cancelRequested)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        _cancelRequested = false;
        var result = await _pipe.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _lastBuffer = result.Buffer;
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_everythingExamined && !_endOfStream && !_cancelRequested)
        {
            result = default;
            return false;
        }

        _cancelRequested = false;
        if (_pipe.Reader.TryRead(out result))
        {
            _lastBuffer = result.Buffer;
            return true;
        }

        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _everythingExamined = _lastBuffer.Slice(examined).IsEmpty;
        _lastBuffer = default;
        _pipe.Reader.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead()
    {
        _cancelRequested = true;
        _pipe.Reader.CancelPendingRead();
    }

    public override void Complete(Exception? exception = null) => _pipe.Reader.Complete(exception);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_io.WaitsBeforeRenting)
        {
            await _io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }

        var writer = _pipe.Writer;
        var memory = writer.GetMemory(MinimumReceiveSize);
        var received = await _io.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
        if (received == 0)
        {
            _endOfStream = true;
            await writer.CompleteAsync().ConfigureAwait(false);
            return;
        }

        writer.Advance(received);
        _owner.OnReceived(received);
        await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
