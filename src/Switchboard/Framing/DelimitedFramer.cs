using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switchboard.Framing;

/// <summary>
/// Each message ends with a delimiter (<c>"\n"</c>, <c>"\r\n"</c>, <c>"\0"</c> or any byte string): lines. The
/// frame is the payload without the delimiter; a payload may not contain the delimiter. A delimiter not seen within
/// <see cref="MaxFrameLength"/> bytes is a <see cref="FrameTooLargeException"/>, so a peer that never sends one
/// cannot make the reader buffer without end.
/// </summary>
public sealed class DelimitedFramer : IFramer
{
    private readonly byte[] _delimiter;
    private readonly string _shownDelimiter;

    /// <summary>Creates a framer for messages ending with <paramref name="delimiter"/>.</summary>
    /// <param name="delimiter">The bytes that end a message; at least one.</param>
    /// <param name="maxFrameLength">The longest payload; defaults to <see cref="FramingLimits.DefaultMaxLineLength"/>.</param>
    /// <param name="acceptUnterminatedFinalFrame">Sets <see cref="AcceptUnterminatedFinalFrame"/>; false by default.</param>
    public DelimitedFramer(ReadOnlySpan<byte> delimiter, int maxFrameLength = FramingLimits.DefaultMaxLineLength, bool acceptUnterminatedFinalFrame = false)
    {
        if (delimiter.IsEmpty)
        {
            throw new ArgumentException("the delimiter must have at least one byte", nameof(delimiter));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameLength);
        _delimiter = delimiter.ToArray();
        _shownDelimiter = Show(delimiter);
        MaxFrameLength = maxFrameLength;
        AcceptUnterminatedFinalFrame = acceptUnterminatedFinalFrame;
    }

    /// <summary>A framer for lines ending in <c>"\n"</c> (the payload keeps a <c>"\r"</c> before it).</summary>
    /// <param name="maxFrameLength">The longest line; defaults to <see cref="FramingLimits.DefaultMaxLineLength"/>.</param>
    /// <param name="acceptUnterminatedFinalFrame">Sets <see cref="AcceptUnterminatedFinalFrame"/>: true for text files, whose last line often has no newline.</param>
    public static DelimitedFramer NewLine(int maxFrameLength = FramingLimits.DefaultMaxLineLength, bool acceptUnterminatedFinalFrame = false) =>
        new("\n"u8, maxFrameLength, acceptUnterminatedFinalFrame);

    /// <summary>A framer for lines ending in <c>"\r\n"</c>, as telnet and the Internet's text protocols send them.</summary>
    /// <param name="maxFrameLength">The longest line; defaults to <see cref="FramingLimits.DefaultMaxLineLength"/>.</param>
    /// <param name="acceptUnterminatedFinalFrame">Sets <see cref="AcceptUnterminatedFinalFrame"/>.</param>
    public static DelimitedFramer CrLf(int maxFrameLength = FramingLimits.DefaultMaxLineLength, bool acceptUnterminatedFinalFrame = false) =>
        new("\r\n"u8, maxFrameLength, acceptUnterminatedFinalFrame);

    /// <summary>
    /// Whether bytes after the last delimiter, at the end of the stream, are one more frame (as a text file's last
    /// line without a newline, or <c>printf 'a\nb' | nc</c>) instead of a <see cref="TruncatedFrameException"/>.
    /// Defaults to false: in a protocol that ends every message with its delimiter, a missing one means the peer
    /// stopped mid-message, and half a command must not be acted on. The final frame keeps any part of a
    /// multi-byte delimiter it ends with (<c>"end\r"</c> under CRLF) and obeys <see cref="MaxFrameLength"/>.
    /// </summary>
    public bool AcceptUnterminatedFinalFrame { get; init; }

    /// <summary>The bytes that end a message.</summary>
    public ReadOnlyMemory<byte> Delimiter => _delimiter;

    /// <inheritdoc/>
    public int MaxFrameLength { get; }

    /// <inheritdoc/>
    public long MaxEncodedLength => (long)MaxFrameLength + _delimiter.Length;

    /// <inheritdoc/>
    public bool TryRead(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        var reader = new SequenceReader<byte>(input);
        var found = _delimiter.Length == 1
            ? reader.TryReadTo(out frame, _delimiter[0], advancePastDelimiter: true)
            : reader.TryReadTo(out frame, _delimiter, advancePastDelimiter: true);
        if (!found)
        {
            // A delimiter that starts within the limit must already have begun to arrive.
            if (input.Length > MaxEncodedLength - 1)
            {
                throw NoDelimiter(input.Length);
            }

            frame = default;
            return false;
        }

        if (frame.Length > MaxFrameLength)
        {
            throw NoDelimiter(frame.Length);
        }

        input = input.Slice(reader.Position);
        return true;
    }

    /// <inheritdoc/>
    public bool TryReadAtEnd(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        if (!AcceptUnterminatedFinalFrame || input.IsEmpty)
        {
            frame = default;
            return false; // nothing left, or leftovers the reader reports as truncated
        }

        if (input.Length > MaxFrameLength)
        {
            throw NoDelimiter(input.Length);
        }

        frame = input;
        input = input.Slice(input.End);
        return true;
    }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckLength(payload.Length);
        if (payload.IndexOf(_delimiter) >= 0)
        {
            throw ContainsDelimiter();
        }

        output.Write(payload);
        output.Write(_delimiter);
    }

    /// <inheritdoc/>
    public void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckLength(payload.Length);
        var reader = new SequenceReader<byte>(payload);
        if (reader.TryReadTo(out ReadOnlySequence<byte> _, _delimiter, advancePastDelimiter: false))
        {
            throw ContainsDelimiter();
        }

        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }

        output.Write(_delimiter);
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    private void CheckLength(long length)
    {
        if (length > MaxFrameLength)
        {
            throw FrameTooLargeException.Payload(length, MaxFrameLength);
        }
    }

    private FrameTooLargeException NoDelimiter(long seen) => new(
        seen,
        MaxFrameLength,
        string.Create(CultureInfo.InvariantCulture, $"no delimiter \"{_shownDelimiter}\" within MaxFrameLength ({MaxFrameLength} bytes); {seen} bytes seen"));

    private ArgumentException ContainsDelimiter() =>
        new($"the payload contains the delimiter \"{_shownDelimiter}\"; it would arrive as two frames", "payload");

    private static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            });
        }

        return text.ToString();
    }
}
