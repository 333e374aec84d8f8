using System.Buffers;

namespace Switchboard.Framing;

/// <summary>
/// The message is everything the peer sends until it closes (or half-closes) its side: HTTP/1.0's response body,
/// the HOWTO's "the connection close indicates the end". One message per stream, possibly empty. A sender ends
/// the message by completing its output (<c>shutdown(SHUT_WR)</c>), so it can still read the answer.
/// </summary>
/// <remarks>
/// The whole message is buffered until the close, so <see cref="MaxFrameLength"/> bounds memory per connection.
/// </remarks>
public sealed class CloseDelimitedFramer : IFramer
{
    private bool _delivered;

    /// <summary>Creates a framer.</summary>
    /// <param name="maxFrameLength">The longest message; defaults to <see cref="FramingLimits.DefaultMaxMessageLength"/>.</param>
    public CloseDelimitedFramer(int maxFrameLength = FramingLimits.DefaultMaxMessageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameLength);
        MaxFrameLength = maxFrameLength;
    }

    /// <inheritdoc/>
    public int MaxFrameLength { get; }

    /// <inheritdoc/>
    public long MaxEncodedLength => MaxFrameLength;

    /// <inheritdoc/>
    public bool TryRead(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        if (input.Length > MaxFrameLength)
        {
            throw new FrameTooLargeException(
                input.Length,
                MaxFrameLength,
                $"message ended by close grew past MaxFrameLength ({MaxFrameLength} bytes) before the peer closed");
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public bool TryReadAtEnd(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        if (_delivered)
        {
            frame = default;
            return false;
        }

        _delivered = true;
        frame = input;
        input = input.Slice(input.End);
        return true;
    }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckLength(payload.Length);
        output.Write(payload);
    }

    /// <inheritdoc/>
    public void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckLength(payload.Length);
        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }
    }

    /// <inheritdoc/>
    public void Reset() => _delivered = false;

    private void CheckLength(long length)
    {
        if (length > MaxFrameLength)
        {
            throw FrameTooLargeException.Payload(length, MaxFrameLength);
        }
    }
}
