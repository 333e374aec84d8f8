using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Switchboard.Transport.Internal;

/// <summary>
/// A <see cref="PipeReader"/> filled on demand: the socket is read only when the handler asks for more than it has
/// examined. There is no background receive loop, so the same reader works on a blocking thread, a select loop and
/// the thread pool, and a handler that stops reading pushes back on its peer through TCP at once.
/// </summary>
/// <remarks>
/// It keeps its own chain of pooled segments (<see cref="ReceiveSegment"/>) rather than a <see cref="Pipe"/>: the
/// receive and the read are one flow here, so a pipe's lock, its flush and its second read per message bought
/// nothing, and its object graph (about half a kilobyte) stayed with every idle connection. A segment's array goes
/// back to the pool as soon as the handler has consumed it, so an idle connection holds no buffer; on an event loop
/// the segment objects are the loop thread's, and the wait for the next bytes is a callback on the socket's readiness
/// (<see cref="SocketIO.TryWaitForReadable"/>), so an idle connection holds no suspended read either.
/// </remarks>
internal sealed class ConnectionPipeReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int MinimumReceiveSize = 2048;
    private const int MaximumReceiveSize = 64 * 1024;

    private static readonly Action<object?> OnReadable = static reader => ((ConnectionPipeReader)reader!).ReadAfterWait();

    private readonly SocketIO _io;
    private readonly Connection _owner;
    private readonly bool _sharesSegments; // on a loop: segments come from and go back to its thread (ReceiveSegment.Take)
    private ReceiveSegment? _head; // the oldest bytes not consumed, from _headStart on
    private int _headStart;
    private ReceiveSegment? _tail; // the newest; a receive appends to it while it has room
    private ReceiveSegment? _spare; // off the loops: a segment whose array went back to the pool, so a message allocates nothing
    private bool _everythingExamined = true;
    private bool _endOfStream;
    private int _cancelRequested; // 1: the next read returns at once, canceled (any thread may ask)
    private bool _completed;
    private bool _receiving;
    private int _receiveSize = MinimumReceiveSize;
    private bool _lastReceiveFilled;

    // A read pending in a callback wait (ReadAsync): its result is only "canceled"; the rest is the reader's state.
    private ManualResetValueTaskSourceCore<bool> _pending;
    private CancellationToken _pendingToken;

    public ConnectionPipeReader(SocketIO io, Connection owner)
    {
        _io = io;
        _owner = owner;
        _sharesSegments = io.Loop is not null;
    }

    /// <summary>The connection this reader reads.</summary>
    public Connection Owner => _owner;

    /// <summary>True once the peer has ended its stream (FIN).</summary>
    public bool SawEndOfStream => _endOfStream;

    /// <summary>True when bytes are buffered that the handler has not examined yet.</summary>
    public bool HasUnexaminedData => !_everythingExamined;

    /// <summary>True while a pooled array holds received bytes the handler has not consumed.</summary>
    public bool HoldsBuffer => _head is not null;

    /// <summary>True when a read has nothing new to return without a receive (and was not asked to return at once).</summary>
    private bool NeedsReceive => _everythingExamined && !_endOfStream && Volatile.Read(ref _cancelRequested) == 0;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (!NeedsReceive)
        {
            return new ValueTask<ReadResult>(Result());
        }

        var waited = false;
        if (_io.WaitsWithCallback && !_lastReceiveFilled)
        {
            // Waiting for the peer's next bytes is what an idle connection does: through a callback, the wait holds
            // no suspended async method of this reader's (224 bytes per idle connection), only the state below.
            bool ready;
            try
            {
                ready = _io.TryWaitForReadable(OnReadable, this, cancellationToken);
            }
            catch (Exception e)
            {
                return ValueTask.FromException<ReadResult>(ConnectionFailures.Map(e, _owner) ?? e);
            }

            if (!ready)
            {
                _receiving = true;
                _pendingToken = cancellationToken;
                _pending.Reset();
                return new ValueTask<ReadResult>(this, _pending.Version);
            }

            waited = true;
        }

        return ReceiveAsync(waited, cancellationToken);
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token)
    {
        // The pending read's outcome is "canceled or not"; the buffer and the end are the reader's state, as then.
        var canceled = _pending.GetResult(token);
        return new ReadResult(Buffered, canceled, _endOfStream);
    }

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    /// <summary>The receive behind a read; <paramref name="waited"/>: the socket was seen readable just now.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReceiveAsync(bool waited, CancellationToken cancellationToken)
    {
        // A read that filled its buffer probably left more behind: skip the wait (on the async engine a zero-byte
        // receive, one more system call and thread hand-off) and read at once.
        ReceiveSegment? fresh = null;
        Memory<byte> memory;
        int received;
        _receiving = true;
        try
        {
            if (!waited && _io.WaitsBeforeRenting && !_lastReceiveFilled)
            {
                await _io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }

            memory = ReceiveMemory(out fresh);
            received = await _io.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            EndReceive(fresh, 0);
            if (ConnectionFailures.Map(e, _owner) is { } mapped)
            {
                throw mapped; // the socket's error as the library's exception, the original inside
            }

            throw;
        }

        EndReceive(fresh, received);
        if (received == 0 && _owner.Aborted.IsCancellationRequested)
        {
            // A receive ended by the abort may read "end of stream" (a blocked one, woken by the disconnect): that is
            // the abort, not the peer's clean end.
            throw ConnectionFailures.Aborted(_owner, null);
        }

        Append(received, memory.Length);
        return Result();
    }

    /// <summary>The callback wait of <see cref="ReadAsync"/> ended (on the loop thread): receive, then end the pending read.</summary>
    private void ReadAfterWait()
    {
        ValueTask<ReadResult> reading;
        try
        {
            _io.EndReadableWait();
            reading = ReceiveAsync(waited: true, _pendingToken);
        }
        catch (Exception e)
        {
            // The wait failed (closed, aborted, canceled): no receive began, nothing was rented.
            _receiving = false;
            if (_completed)
            {
                ReleaseAll();
            }

            _pending.SetException(ConnectionFailures.Map(e, _owner) ?? e);
            return;
        }

        _pendingToken = default;
        if (reading.IsCompleted)
        {
            EndPending(reading);
        }
        else
        {
            EndPendingLater(reading);
        }
    }

    // The report was stale (nothing to read after all): rare, so its closure does not matter. In a method of its own,
    // since C# makes a closure where its variable's scope begins: in ReadAfterWait it would cost one per message.
    private void EndPendingLater(ValueTask<ReadResult> reading) =>
        reading.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => EndPending(reading));

    private void EndPending(ValueTask<ReadResult> reading)
    {
        bool canceled;
        try
        {
            canceled = reading.Result.IsCanceled;
        }
        catch (Exception e)
        {
            _pending.SetException(e);
            return;
        }

        _pending.SetResult(canceled);
    }

    public override bool TryRead(out ReadResult result)
    {
        ThrowIfCompleted();
        if (NeedsReceive)
        {
            result = default;
            return false;
        }

        result = Result();
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ThrowIfCompleted();
        // The end of what was read is (tail, its length): the chain holds no empty segment, so no other position names it.
        _everythingExamined = _tail is null || (ReferenceEquals(examined.GetObject(), _tail) && examined.GetInteger() == _tail.Length);
        if (consumed.GetObject() is not ReceiveSegment segment)
        {
            return; // an empty buffer's position: nothing to consume
        }

        while (_head is not null && !ReferenceEquals(_head, segment))
        {
            var next = (ReceiveSegment?)_head.Next;
            Recycle(_head);
            _head = next;
        }

        if (_head is null)
        {
            _tail = null;
            throw new InvalidOperationException("the consumed position is not in the buffer this reader returned");
        }

        _headStart = consumed.GetInteger();
        if (_headStart == _head.Length && ReferenceEquals(_head, _tail))
        {
            // All consumed: the array goes back to the pool, and a connection waiting for its next message holds none.
            Recycle(_head);
            _head = _tail = null;
            _headStart = 0;
        }
    }

    public override void CancelPendingRead() => Volatile.Write(ref _cancelRequested, 1);

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (!_receiving)
        {
            ReleaseAll();
        }
    }

    private ReadOnlySequence<byte> Buffered => _head is null ? default : new ReadOnlySequence<byte>(_head, _headStart, _tail!, _tail!.Length);

    private ReadResult Result() => new(Buffered, Interlocked.Exchange(ref _cancelRequested, 0) == 1, _endOfStream);

    /// <summary>
    /// Where the next receive goes: the tail's free space when it has room for a receive of the current size, else a
    /// fresh segment (<paramref name="fresh"/>), linked in only once bytes arrive.
    /// </summary>
    private Memory<byte> ReceiveMemory(out ReceiveSegment? fresh)
    {
        if (_tail is not null && _tail.Free >= _receiveSize)
        {
            fresh = null;
            return _tail.FreeMemory;
        }

        fresh = _spare ?? (_sharesSegments ? ReceiveSegment.Take() : new ReceiveSegment());
        _spare = null;
        fresh.Rent(_receiveSize);
        return fresh.FreeMemory;
    }

    /// <summary>A receive ended with <paramref name="received"/> bytes: a fresh segment joins the chain, or goes back.</summary>
    private void EndReceive(ReceiveSegment? fresh, int received)
    {
        _receiving = false;
        if (fresh is not null)
        {
            if (received > 0 && !_completed)
            {
                fresh.Follow(_tail);
                if (_tail is null)
                {
                    _head = fresh;
                    _headStart = 0;
                }

                _tail = fresh;
            }
            else
            {
                Recycle(fresh);
            }
        }

        if (_completed)
        {
            ReleaseAll(); // completed while the receive ran: its bytes go with the rest
            throw new InvalidOperationException("the reader was completed while it was reading");
        }
    }

    /// <summary>Commits <paramref name="received"/> bytes of a receive into a buffer of <paramref name="bufferSize"/> (0: end of stream).</summary>
    private void Append(int received, int bufferSize)
    {
        if (received == 0)
        {
            _endOfStream = true;
            return;
        }

        // Bulk transfers grow the receive (a 64 KiB message in one or two calls instead of sixteen 4 KiB ones);
        // small messages go back to the small size. Only a connection with data in flight holds the larger block.
        _lastReceiveFilled = received == bufferSize;
        _receiveSize = _lastReceiveFilled
            ? Math.Min(_receiveSize * 2, MaximumReceiveSize)
            : received <= MinimumReceiveSize ? MinimumReceiveSize : _receiveSize;

        _tail!.Commit(received);
        _everythingExamined = false;
        _owner.OnReceived(received);
    }

    private void Recycle(ReceiveSegment segment)
    {
        segment.Return();
        if (_sharesSegments)
        {
            ReceiveSegment.Cache(segment);
        }
        else
        {
            _spare ??= segment;
        }
    }

    private void ReleaseAll()
    {
        while (_head is not null)
        {
            var next = (ReceiveSegment?)_head.Next;
            Recycle(_head);
            _head = next;
        }

        _tail = null;
        _headStart = 0;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("reading is not allowed after the reader was completed");
        }
    }
}
