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
    private const int MaximumReceiveSize = 64 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly SocketIO _io;
    private readonly Connection _owner;
    private ReadOnlySequence<byte> _lastBuffer;
    private bool _everythingExamined = true;
    private bool _endOfStream;
    private bool _cancelRequested;
    private int _receiveSize = MinimumReceiveSize;
    private bool _lastReceiveFilled;

    public ConnectionPipeReader(SocketIO io, Connection owner)
    {
        _io = io;
        _owner = owner;
    }

    /// <summary>The connection this reader reads.</summary>
    public Connection Owner => _owner;

    /// <summary>True once the peer has ended its stream (FIN).</summary>
    public bool SawEndOfStream => _endOfStream;

    /// <summary>True when bytes are buffered that the handler has not examined yet.</summary>
    public bool HasUnexaminedData => !_everythingExamined;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_everythingExamined && !_endOfStream && !_cancelRequested)
        {
            // The fill is written out here rather than awaited from a method of its own: every message of every
            // handler passes this way, and one state machine per read costs less than two.
            // A read that filled its buffer probably left more behind: skip the wait (on the async engine a zero-byte
            // receive, one more system call and thread hand-off) and read at once.
            int received;
            Memory<byte> memory;
            try
            {
                if (_io.WaitsBeforeRenting && !_lastReceiveFilled)
                {
                    await _io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                }

                memory = _pipe.Writer.GetMemory(_receiveSize);
                received = await _io.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ConnectionFailures.Map(e, _owner) is { } mapped)
            {
                throw mapped; // the socket's error as the library's exception, the original inside
            }

            if (received == 0 && _owner.Aborted.IsCancellationRequested)
            {
                // A receive ended by the abort may read "end of stream" (a blocked one, woken by the disconnect): that is
                // the abort, not the peer's clean end.
                throw ConnectionFailures.Aborted(_owner, null);
            }

            await Append(received, memory.Length).ConfigureAwait(false);
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

    /// <summary>Commits <paramref name="received"/> bytes of a receive into a buffer of <paramref name="bufferSize"/> (0: end of stream).</summary>
    private ValueTask<FlushResult> Append(int received, int bufferSize)
    {
        var writer = _pipe.Writer;
        if (received == 0)
        {
            _endOfStream = true;
            writer.Complete();
            return default;
        }

        // Bulk transfers grow the receive (a 64 KiB message in one or two calls instead of sixteen 4 KiB ones);
        // small messages go back to the small size. Only a connection with data in flight holds the larger block.
        _lastReceiveFilled = received == bufferSize;
        _receiveSize = _lastReceiveFilled
            ? Math.Min(_receiveSize * 2, MaximumReceiveSize)
            : received <= MinimumReceiveSize ? MinimumReceiveSize : _receiveSize;

        writer.Advance(received);
        _owner.OnReceived(received);
        return writer.FlushAsync(CancellationToken.None); // never waits: the pipe has no pause threshold
    }
}
