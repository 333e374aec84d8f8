using System.Buffers;
using System.Globalization;

namespace Switchboard.Framing;

/// <summary>
/// Every message is exactly <see cref="FrameLength"/> bytes: the HOWTO's <c>MSGLEN</c>. Cheap and unambiguous,
/// but every message must be padded to the length.
/// </summary>
public sealed class FixedLengthFramer : IFramer
{
    /// <summary>Creates a framer for messages of <paramref name="frameLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameLength"/> is not positive.</exception>
    public FixedLengthFramer(int frameLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameLength);
        FrameLength = frameLength;
    }

    /// <summary>The length of every frame, in bytes.</summary>
    public int FrameLength { get; }

    /// <inheritdoc/>
    public int MaxFrameLength => FrameLength;

    /// <inheritdoc/>
    public long MaxEncodedLength => FrameLength;

    /// <inheritdoc/>
    public bool TryRead(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        if (input.Length < FrameLength)
        {
            frame = default;
            return false;
        }

        frame = input.Slice(0, FrameLength);
        input = input.Slice(frame.End);
        return true;
    }

    /// <inheritdoc/>
    public bool TryReadAtEnd(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        CheckLength(payload.Length, nameof(payload));
        output.Write(payload);
    }

    /// <inheritdoc/>
    public void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        CheckLength(payload.Length, nameof(payload));
        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    private void CheckLength(long length, string paramName)
    {
        if (length > FrameLength)
        {
            throw FrameTooLargeException.Payload(length, FrameLength);
        }

        if (length < FrameLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a fixed-length frame must be exactly {FrameLength} bytes, not {length}; pad it"), paramName);
        }
    }
}
