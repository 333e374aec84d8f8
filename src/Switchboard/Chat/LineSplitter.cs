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
/// Where a line ends and how long it may be are <see cref="DelimitedFramer"/>'s (its line search over the ends CR
/// and LF); this class adds only telnet's pairs (a CR followed by LF or NUL is one end) and the buffer that carries a
/// line across reads.
/// </remarks>
internal sealed class LineSplitter
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private readonly int _maxLineBytes;
    private readonly DelimitedFramer _ends;
    private byte[]? _line;
    private int _length;
    private bool _afterCr;
    private bool _discarding;

    /// <summary>Creates a splitter for lines of at most <paramref name="maxLineBytes"/> bytes, terminator excluded.</summary>
    public LineSplitter(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _maxLineBytes = maxLineBytes;
        _ends = DelimitedFramer.AnyOf([Cr, Lf], maxLineBytes);
    }

    /// <summary>The longest line returned, in bytes, terminator excluded.</summary>
    public int MaxLineBytes => _maxLineBytes;

    /// <summary>Bytes of the line in progress (0 while a too-long line is being skipped).</summary>
    public int PendingBytes => _length;

    /// <summary>True while a line has started and not ended (also while the rest of a too-long line is skipped).</summary>
    public bool InLine => _length > 0 || _discarding;

    /// <summary>Splits <paramref name="data"/>, adding each complete line (or overflow) to <paramref name="lines"/>.</summary>
    public void Split(ReadOnlySpan<byte> data, ICollection<SplitLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var i = 0;
        while (i < data.Length)
        {
            if (_afterCr)
            {
                _afterCr = false;
                if (data[i] is Lf or 0)
                {
                    i++;
                    continue;
                }
            }

            var rest = data[i..];
            var stop = _ends.IndexOfEnd(rest);
            var run = stop < 0 ? rest : rest[..stop];
            Append(run, ended: stop >= 0, lines);
            if (stop < 0)
            {
                return;
            }

            EndLine(lines);
            _afterCr = rest[stop] == Cr;
            i += stop + 1;
        }
    }

    private void Append(ReadOnlySpan<byte> run, bool ended, ICollection<SplitLine> lines)
    {
        if (_discarding || run.IsEmpty)
        {
            return;
        }

        if (_ends.IsTooLong(_length + run.Length, ended))
        {
            _discarding = true;
            ReturnLine();
            lines.Add(SplitLine.Overflow);
            return;
        }

        _line ??= ArrayPool<byte>.Shared.Rent(_maxLineBytes);
        run.CopyTo(_line.AsSpan(_length));
        _length += run.Length;
    }

    private void EndLine(ICollection<SplitLine> lines)
    {
        if (_discarding)
        {
            _discarding = false;
            return;
        }

        lines.Add(new SplitLine(_line is null ? [] : _line.AsSpan(0, _length).ToArray()));
        ReturnLine();
    }

    private void ReturnLine()
    {
        if (_line is not null)
        {
            ArrayPool<byte>.Shared.Return(_line);
            _line = null;
        }

        _length = 0;
    }
}
