using System.Buffers;
using Switchboard.Framing;

namespace Switchboard.Chat;

/// <summary>
/// Splits decoded text bytes into lines. A line ends with CR LF, LF, CR NUL or a bare CR (telnet sends CR NUL or
/// CR LF for Enter, <c>nc</c> sends LF). A line longer than the limit is never returned in part: the overflow is
/// reported once, as soon as the limit is passed, and the rest of that line is skipped up to its end, so memory stays
/// at the limit whatever the peer sends. State survives buffer boundaries. A pure parser: not thread-safe.
/// The line buffer is rented only while a line is in progress, so thousands of quiet members hold none.
/// </summary>
/// <remarks>
/// A thin layer on <see cref="LineReader"/>: where a line ends and how long it may be are
/// <see cref="DelimitedFramer"/>'s (the ends CR and LF), telnet's pairs are the reader's
/// <see cref="LineReader.FoldCrPairs"/> and the skip its <see cref="LineOverflow.Skip"/>; this class adds only the
/// buffer that carries an unfinished line across reads.
/// </remarks>
internal sealed class LineSplitter
{
    private readonly int _maxLineBytes;
    private readonly LineReader _reader;
    private byte[]? _line;
    private int _length;

    /// <summary>Creates a splitter for lines of at most <paramref name="maxLineBytes"/> bytes, terminator excluded.</summary>
    public LineSplitter(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
        _reader = new LineReader(DelimitedFramer.AnyOf("\r\n"u8, maxLineBytes), LineOverflow.Skip) { FoldCrPairs = true };
    }

    /// <summary>The longest line returned, in bytes, terminator excluded.</summary>
    public int MaxLineBytes => _maxLineBytes;

    /// <summary>Bytes of the line in progress (0 while a too-long line is being skipped).</summary>
    public int PendingBytes => _length;

    /// <summary>True while a line has started and not ended (also while the rest of a too-long line is skipped).</summary>
    public bool InLine => _length > 0 || _reader.IsSkipping;

    /// <summary>Splits <paramref name="data"/>, adding each complete line (or overflow) to <paramref name="lines"/>.</summary>
    public void Split(ReadOnlySpan<byte> data, ICollection<SplitLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        while (!data.IsEmpty)
        {
            // What is left after a read is an unfinished line within the limit, so the buffer always has room.
            _line ??= ArrayPool<byte>.Shared.Rent(_maxLineBytes + 1);
            var take = Math.Min(data.Length, _line.Length - _length);
            data[..take].CopyTo(_line.AsSpan(_length));
            data = data[take..];
            var input = new ReadOnlySequence<byte>(_line, 0, _length + take);
            while (_reader.Read(ref input, out var line) is var status and not LineReadStatus.NeedMore)
            {
                lines.Add(status == LineReadStatus.Line ? new SplitLine(line.ToArray()) : SplitLine.Overflow);
            }

            _length = (int)input.Length;
            input.CopyTo(_line); // the unfinished line moves to the front (an overlapping copy is a memmove)
        }

        if (_length == 0 && _line is not null)
        {
            ArrayPool<byte>.Shared.Return(_line); // thousands of quiet members hold no buffer
            _line = null;
        }
    }
}
