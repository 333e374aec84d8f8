using System.Buffers;

namespace Switchboard.Framing;

/// <summary>
/// Reads lines with a <see cref="DelimitedFramer"/>'s search and limit (the one definition of a line), carrying
/// across reads what the <see cref="LineOverflow"/> rule and the telnet pairs need. A pure parser over
/// <see cref="ReadOnlySequence{T}"/>, as the framer is: it allocates nothing and keeps no bytes, so the caller
/// keeps what was not consumed (a pipe's <c>AdvanceTo(input.Start)</c>). Not thread-safe; one per stream.
/// </summary>
/// <example>
/// <code>
/// var before = input;
/// while (lines.Read(ref input, out var line) == LineReadStatus.Line)
/// {
///     var withEnding = before.Slice(0, input.Start); // the line as it came, delimiter included
///     before = input;
/// }
/// </code>
/// </example>
public sealed class LineReader
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private bool _skipping;
    private bool _afterCr;

    /// <summary>Creates a reader for the lines of <paramref name="framer"/>, whose over-long lines are treated by <paramref name="overflow"/>.</summary>
    public LineReader(DelimitedFramer framer, LineOverflow overflow = LineOverflow.Refuse)
    {
        ArgumentNullException.ThrowIfNull(framer);
        if (!Enum.IsDefined(overflow))
        {
            throw new ArgumentOutOfRangeException(nameof(overflow), overflow, "not a LineOverflow");
        }

        Framer = framer;
        Overflow = overflow;
    }

    /// <summary>Where a line ends and how long it may be.</summary>
    public DelimitedFramer Framer { get; }

    /// <summary>What happens to a line over <see cref="DelimitedFramer.MaxFrameLength"/>.</summary>
    public LineOverflow Overflow { get; }

    /// <summary>
    /// Whether an LF or NUL right after a line that ended at CR belongs to that end, as telnet sends Enter (CR LF,
    /// CR NUL), rather than ending an empty line. For a framer whose lines end at CR; the line itself ends at the
    /// CR, so a client that sends a bare CR is answered at once. Defaults to false.
    /// </summary>
    public bool FoldCrPairs { get; init; }

    /// <summary>True while the rest of an over-long line is being skipped (<see cref="LineOverflow.Skip"/>).</summary>
    public bool IsSkipping => _skipping;

    /// <summary>
    /// Reads the next line from <paramref name="input"/>. On <see cref="LineReadStatus.Line"/> and
    /// <see cref="LineReadStatus.Part"/>, <paramref name="input"/> is advanced past them; on
    /// <see cref="LineReadStatus.NeedMore"/> it starts at the unfinished line (bytes being skipped, and a telnet
    /// pair's second byte, are consumed); on <see cref="LineReadStatus.TooLong"/> it is left as it was under
    /// <see cref="LineOverflow.Refuse"/> and advanced past what is skipped under <see cref="LineOverflow.Skip"/>.
    /// At the end of the stream what is left is the unterminated last line, within the limit
    /// (<see cref="DelimitedFramer.TryReadAtEnd"/> decides whether it counts).
    /// </summary>
    /// <param name="input">The bytes received and not yet consumed.</param>
    /// <param name="line">The line's payload, or the part, or under <see cref="LineReadStatus.TooLong"/> the bytes that passed the limit; otherwise empty.</param>
    public LineReadStatus Read(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> line)
    {
        line = default;
        if (_afterCr && FirstByte(input) is { } first)
        {
            _afterCr = false;
            if (first is Lf or 0)
            {
                input = input.Slice(1);
            }
        }

        if (_skipping)
        {
            if (!Framer.FindEnd(input, out var skipped, out var afterSkipped))
            {
                input = input.Slice(input.End);
                return LineReadStatus.NeedMore;
            }

            _skipping = false;
            input = Consume(input, skipped, afterSkipped);
            return Read(ref input, out line); // at most once more: the skip is over
        }

        switch (Framer.Scan(input, out line, out var next))
        {
            case LineScan.Found:
                input = Consume(input, line, next);
                return LineReadStatus.Line;
            case LineScan.NeedMore:
                return LineReadStatus.NeedMore;
        }

        var ended = !next.Equals(input.Start);
        switch (Overflow)
        {
            case LineOverflow.Skip:
                _skipping = !ended;
                input = ended ? Consume(input, line, next) : input.Slice(input.End);
                return LineReadStatus.TooLong;
            case LineOverflow.Split when ended:
                input = Consume(input, line, next);
                return LineReadStatus.Line;
            case LineOverflow.Split:
                line = input;
                input = input.Slice(input.End);
                return LineReadStatus.Part;
            default:
                return LineReadStatus.TooLong;
        }
    }

    /// <summary>Forgets a skip or a pending telnet pair, for a new stream.</summary>
    public void Reset()
    {
        _skipping = false;
        _afterCr = false;
    }

    // Past the line and its end; remembers a CR end when its pair's second byte may follow.
    private ReadOnlySequence<byte> Consume(in ReadOnlySequence<byte> input, in ReadOnlySequence<byte> payload, SequencePosition next)
    {
        if (FoldCrPairs)
        {
            _afterCr = FirstByte(input.Slice(payload.End)) == Cr;
        }

        return input.Slice(next);
    }

    // A sequence may start with empty segments, so FirstSpan is not enough.
    private static byte? FirstByte(in ReadOnlySequence<byte> input) =>
        new SequenceReader<byte>(input).TryPeek(out var first) ? first : null;
}
