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
    private readonly bool _anyOneByte;

    /// <summary>Creates a framer for messages ending with <paramref name="delimiter"/>.</summary>
    /// <param name="delimiter">The bytes that end a message; at least one.</param>
    /// <param name="maxFrameLength">The longest payload; defaults to <see cref="FramingLimits.DefaultMaxLineLength"/>.</param>
    /// <param name="acceptUnterminatedFinalFrame">Sets <see cref="AcceptUnterminatedFinalFrame"/>; false by default.</param>
    public DelimitedFramer(ReadOnlySpan<byte> delimiter, int maxFrameLength = FramingLimits.DefaultMaxLineLength, bool acceptUnterminatedFinalFrame = false)
        : this(delimiter, maxFrameLength, acceptUnterminatedFinalFrame, anyOneByte: false)
    {
    }

    private DelimitedFramer(ReadOnlySpan<byte> delimiter, int maxFrameLength, bool acceptUnterminatedFinalFrame, bool anyOneByte)
    {
        if (delimiter.IsEmpty)
        {
            throw new ArgumentException("the delimiter must have at least one byte", nameof(delimiter));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameLength);
        _delimiter = delimiter.ToArray();
        MaxFrameLength = maxFrameLength;
        AcceptUnterminatedFinalFrame = acceptUnterminatedFinalFrame;
        _anyOneByte = anyOneByte;
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
    /// A framer whose messages end at any one of <paramref name="endings"/> (each a single byte), as the chat's lines
    /// end at CR or LF. Pairs such as telnet's CR LF and CR NUL are folded by <see cref="LineReader.FoldCrPairs"/>;
    /// this framer only finds the next end within the limit.
    /// </summary>
    internal static DelimitedFramer AnyOf(ReadOnlySpan<byte> endings, int maxFrameLength) =>
        new(endings, maxFrameLength, acceptUnterminatedFinalFrame: false, anyOneByte: true);

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
    public long MaxEncodedLength => (long)MaxFrameLength + (_anyOneByte ? 1 : _delimiter.Length);

    /// <inheritdoc/>
    public bool TryRead(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        switch (Scan(input, out frame, out var next))
        {
            case LineScan.Found:
                input = input.Slice(next);
                return true;
            case LineScan.TooLong:
                throw NoDelimiter(frame.Length);
            default:
                return false;
        }
    }

    /// <summary>
    /// The one search for "the next line within the limit" (the framer's own reads, the timestamp service,
    /// <see cref="LineReader"/>). Never throws for the peer's bytes, so a service can answer an over-long line its
    /// own way.
    /// </summary>
    /// <param name="input">The bytes received and not yet consumed.</param>
    /// <param name="frame">
    /// <see cref="LineScan.Found"/>: the payload, delimiter excluded. <see cref="LineScan.TooLong"/>: the bytes that
    /// passed the limit (their length is what was seen). Otherwise empty.
    /// </param>
    /// <param name="next">After <see cref="LineScan.Found"/>, where the next message starts.</param>
    internal LineScan Scan(in ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame, out SequencePosition next)
    {
        if (!FindEnd(input, out frame, out next))
        {
            frame = IsTooLong(input.Length, ended: false) ? input : default;
            return frame.IsEmpty ? LineScan.NeedMore : LineScan.TooLong;
        }

        return IsTooLong(frame.Length, ended: true) ? LineScan.TooLong : LineScan.Found;
    }

    /// <summary>
    /// The search without the limit: the payload before the first delimiter and where the bytes after it start, or
    /// false (<paramref name="next"/> = the input's start) when no delimiter has come.
    /// </summary>
    internal bool FindEnd(in ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame, out SequencePosition next)
    {
        var reader = new SequenceReader<byte>(input);
        var found = _anyOneByte
            ? reader.TryReadToAny(out frame, _delimiter, advancePastDelimiter: true)
            : _delimiter.Length == 1
                ? reader.TryReadTo(out frame, _delimiter[0], advancePastDelimiter: true)
                : reader.TryReadTo(out frame, _delimiter, advancePastDelimiter: true);
        next = found ? reader.Position : input.Start;
        return found;
    }

    /// <summary>Where in <paramref name="data"/> the first delimiter starts, or -1 (span form of <see cref="Scan"/>).</summary>
    internal int IndexOfEnd(ReadOnlySpan<byte> data) => _anyOneByte ? data.IndexOfAny(_delimiter) : data.IndexOf(_delimiter);

    /// <summary>
    /// The length rule, in one place: <paramref name="seen"/> payload bytes are too many when
    /// <paramref name="ended"/> (the delimiter came) and they pass <see cref="MaxFrameLength"/>, or when no delimiter
    /// has come yet and one starting within the limit would already have begun to arrive.
    /// </summary>
    internal bool IsTooLong(long seen, bool ended) => ended ? seen > MaxFrameLength : seen > MaxEncodedLength - 1;

    /// <inheritdoc/>
    public bool TryReadAtEnd(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        if (!AcceptUnterminatedFinalFrame || input.IsEmpty)
        {
            frame = default;
            return false; // nothing left, or leftovers the reader reports as truncated
        }

        if (IsTooLong(input.Length, ended: true))
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
        if (IndexOfEnd(payload) >= 0)
        {
            throw ContainsDelimiter();
        }

        output.Write(payload);
        output.Write(Ending);
    }

    /// <inheritdoc/>
    public void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckLength(payload.Length);
        var reader = new SequenceReader<byte>(payload);
        var contains = _anyOneByte
            ? reader.TryAdvanceToAny(_delimiter, advancePastDelimiter: false)
            : reader.TryReadTo(out ReadOnlySequence<byte> _, _delimiter, advancePastDelimiter: false);
        if (contains)
        {
            throw ContainsDelimiter();
        }

        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }

        output.Write(Ending);
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    // What Write puts after a payload: the delimiter, or under AnyOf the first of the endings.
    private ReadOnlySpan<byte> Ending => _anyOneByte ? _delimiter.AsSpan(0, 1) : _delimiter;

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
        string.Create(CultureInfo.InvariantCulture, $"no delimiter \"{Show(_delimiter)}\" within MaxFrameLength ({MaxFrameLength} bytes); {seen} bytes seen"));

    private ArgumentException ContainsDelimiter() =>
        new($"the payload contains the delimiter \"{Show(_delimiter)}\"; it would arrive as two frames", "payload");

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
