using System.Buffers;

namespace Switchboard.Framing;

/// <summary>
/// One way a message ends on a byte stream: a pure parser over <see cref="ReadOnlySequence{T}"/> and its symmetric
/// writer onto <see cref="IBufferWriter{T}"/>. A framer never knows whether the bytes came over TCP or a Unix
/// socket. Use it through <see cref="FrameReader"/> and <see cref="FrameWriter"/>, which add the pipe contract and
/// the end-of-stream rules; call it directly only on buffers you own.
/// </summary>
/// <remarks>
/// An instance serves one stream: it may keep state between calls (the close-delimited framer remembers that it
/// has delivered its one message), cleared by <see cref="Reset"/>. Frames are slices of the input, not copies.
/// </remarks>
public interface IFramer
{
    /// <summary>The largest payload this framer reads or writes, in bytes.</summary>
    int MaxFrameLength { get; }

    /// <summary>
    /// The most bytes one frame can occupy on the wire (payload plus prefix or delimiter). A reader holding more
    /// than this without a frame is facing a frame over the limit.
    /// </summary>
    long MaxEncodedLength { get; }

    /// <summary>
    /// Takes the next frame from the front of <paramref name="input"/> and moves <paramref name="input"/> past it.
    /// </summary>
    /// <param name="input">The bytes received and not yet consumed.</param>
    /// <param name="frame">The payload, a slice of <paramref name="input"/>, valid as long as the input is.</param>
    /// <returns>False when more bytes are needed; <paramref name="input"/> is then unchanged.</returns>
    /// <exception cref="FramingException">The input breaks a limit (a frame over the maximum, a lying prefix).</exception>
    bool TryRead(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame);

    /// <summary>
    /// Called once the stream has ended and <see cref="TryRead"/> found no frame: returns the frame that the end of
    /// the stream completes, if this framing has one (a message ended by close). Leftover bytes it does not take are
    /// a truncated frame.
    /// </summary>
    bool TryReadAtEnd(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame);

    /// <summary>Writes <paramref name="payload"/> as one frame.</summary>
    /// <exception cref="FrameTooLargeException">The payload is over <see cref="MaxFrameLength"/>.</exception>
    void Write(ReadOnlySpan<byte> payload, IBufferWriter<byte> output);

    /// <summary>Writes <paramref name="payload"/> (possibly several segments) as one frame.</summary>
    /// <exception cref="FrameTooLargeException">The payload is over <see cref="MaxFrameLength"/>.</exception>
    void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output);

    /// <summary>Forgets any state kept between calls, to read a new stream.</summary>
    void Reset();
}
