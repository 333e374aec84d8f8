using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Framing;

/// <summary>
/// Reads frames from a <see cref="PipeReader"/> (a connection's <c>Input</c>, a <c>PipeReader.Create(stream)</c>)
/// with an <see cref="IFramer"/>, and enforces the rules a framer alone cannot: a stream that ends mid-frame is a
/// <see cref="TruncatedFrameException"/>, never a partial message (unless the framer takes the rest as a final
/// frame: <see cref="DelimitedFramer.AcceptUnterminatedFinalFrame"/> for a last line without its newline); buffered bytes that hold no frame and exceed the
/// framer's <see cref="IFramer.MaxEncodedLength"/> are a <see cref="FrameTooLargeException"/>.
/// </summary>
/// <remarks>
/// A frame is a slice of the pipe's buffer, valid until the next <see cref="ReadAsync"/> or <see cref="Dispose"/>.
/// Frames already buffered are returned without touching the pipe; the pipe is advanced exactly once per read,
/// with everything examined when only part of a frame is there, so the next read waits for new bytes. Frames are
/// drained before the end of the stream is honoured. Reading a frame allocates nothing.
/// </remarks>
public sealed class FrameReader : IDisposable
{
    private readonly PipeReader _input;
    private readonly IFramer _framer;
    private readonly Connection? _connection;
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _inputCompleted;
    private bool _ended;

    /// <summary>Creates a reader of <paramref name="input"/>; it does not own or complete the pipe.</summary>
    public FrameReader(PipeReader input, IFramer framer)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(framer);
        _input = input;
        _framer = framer;
        _connection = (input as ConnectionPipeReader)?.Owner;
    }

    /// <summary>The framing in use.</summary>
    public IFramer Framer => _framer;

    /// <summary>
    /// When reading a connection's <see cref="Connection.Input"/>, how long a frame may take from its first byte to
    /// its last before the server closes the connection (<see cref="CloseReason.FrameTimeout"/>); the services'
    /// <c>LineTimeout</c> (30 s) is the usual value. Defaults to <see cref="Timeout.InfiniteTimeSpan"/>: no deadline.
    /// Either way, a frame in progress is marked on the connection (<see cref="Connection.BeginMessage"/>), so a
    /// stalled sender is the one a newcomer evicts when the server is full. Other pipes are not timed.
    /// </summary>
    public TimeSpan FrameTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Returns the next frame, or null when the stream has ended cleanly between frames (and after the one message
    /// of a close-delimited stream).
    /// </summary>
    /// <exception cref="FramingException">The stream broke a limit or ended mid-frame; close the connection. What was
    /// buffered is discarded and later reads return null. Left to escape a server's handler, it closes the connection
    /// with <see cref="CloseReason.Limit"/> and one warning naming the peer and the limit.</exception>
    /// <exception cref="OperationCanceledException">The token fired or the pending read was cancelled.</exception>
    public ValueTask<ReadOnlySequence<byte>?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_holding && TryTakeFrame(out var frame))
        {
            return new(frame);
        }

        return ReadMoreAsync(cancellationToken);
    }

    /// <summary>
    /// Gives the pipe back: advances it past the frames returned so far and leaves the rest unexamined, so the
    /// caller can go on reading the pipe itself. It does not complete the pipe.
    /// </summary>
    public void Dispose()
    {
        if (_holding)
        {
            _holding = false;
            _input.AdvanceTo(_buffer.Start);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlySequence<byte>?> ReadMoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_holding)
            {
                if (_inputCompleted)
                {
                    return End();
                }

                var buffered = _buffer.Length;
                if (buffered > _framer.MaxEncodedLength)
                {
                    Release(); // the buffer is not touched after this
                    throw new FrameTooLargeException(buffered, _framer.MaxFrameLength, string.Create(CultureInfo.InvariantCulture, $"{buffered} bytes buffered without a complete frame, over MaxFrameLength ({_framer.MaxFrameLength} bytes)")) { FromPeer = true };
                }

                // Only part of a frame: consume nothing, examine everything, so the next read waits for more.
                if (!_buffer.IsEmpty)
                {
                    _connection?.BeginMessage(FrameTimeout);
                }

                _holding = false;
                _input.AdvanceTo(_buffer.Start, _buffer.End);
            }

            if (_ended)
            {
                return null;
            }

            var result = await _input.ReadAsync(cancellationToken);
            _buffer = result.Buffer;
            _inputCompleted = result.IsCompleted;
            _holding = true;
            if (TryTakeFrame(out var frame))
            {
                return frame;
            }

            if (result.IsCanceled && !result.IsCompleted)
            {
                _holding = false;
                _input.AdvanceTo(_buffer.Start, _buffer.End);
                throw new OperationCanceledException("the pending read was cancelled");
            }
        }
    }

    private bool TryTakeFrame(out ReadOnlySequence<byte> frame)
    {
        try
        {
            if (!_framer.TryRead(ref _buffer, out frame))
            {
                return false;
            }

            _connection?.EndMessage();
            return true;
        }
        catch (FramingException e)
        {
            e.FromPeer = true;
            Release();
            throw;
        }
    }

    private ReadOnlySequence<byte>? End()
    {
        bool hasLast;
        ReadOnlySequence<byte> last;
        try
        {
            hasLast = _framer.TryReadAtEnd(ref _buffer, out last);
        }
        catch (FramingException e)
        {
            e.FromPeer = true;
            Release(); // a final frame over the limit: discarded like any broken frame
            throw;
        }

        if (hasLast)
        {
            return last;
        }

        if (!_buffer.IsEmpty)
        {
            var received = _buffer.Length;
            Release();
            throw new TruncatedFrameException(received) { FromPeer = true };
        }

        Release();
        return null;
    }

    /// <summary>Ends reading: everything buffered is consumed (a broken frame is discarded, never handed on).</summary>
    private void Release()
    {
        if (_holding)
        {
            _holding = false;
            _input.AdvanceTo(_buffer.End);
        }

        _ended = true;
    }
}
