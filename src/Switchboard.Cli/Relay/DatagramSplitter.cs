using System.Buffers;
using Switchboard.Framing;

namespace Switchboard.Cli.Relay;

/// <summary>
/// Cuts stdin into datagrams: one per line, the <c>\n</c> kept (so an echo's reply prints as the line did), a last
/// line without one sent at EOF; or, per chunk, one per stdin read. A line longer than <see cref="MaxDatagram"/>
/// (its newline included) is an error rather than a silent split. Lines are the library's <see cref="LineReader"/>'s.
/// </summary>
internal sealed class DatagramSplitter
{
    private readonly bool _perChunk;
    private readonly int _maxDatagram;
    private readonly LineReader _lines;
    private readonly ArrayBufferWriter<byte> _partial = new();

    public DatagramSplitter(bool perChunk, int maxDatagram)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagram, 1);
        _perChunk = perChunk;
        _maxDatagram = maxDatagram;
        _lines = new LineReader(DelimitedFramer.NewLine(maxDatagram - 1)); // the newline goes in the datagram too
    }

    public int MaxDatagram => _maxDatagram;

    /// <summary>The datagrams that <paramref name="chunk"/> completes, in order.</summary>
    public List<byte[]> Push(ReadOnlySpan<byte> chunk)
    {
        var datagrams = new List<byte[]>();
        if (_perChunk)
        {
            for (var start = 0; start < chunk.Length; start += _maxDatagram)
            {
                datagrams.Add(chunk.Slice(start, Math.Min(_maxDatagram, chunk.Length - start)).ToArray());
            }

            return datagrams;
        }

        _partial.Write(chunk);
        var input = new ReadOnlySequence<byte>(_partial.WrittenMemory);
        var before = input;
        LineReadStatus status;
        while ((status = _lines.Read(ref input, out _)) == LineReadStatus.Line)
        {
            datagrams.Add(before.Slice(0, input.Start).ToArray()); // the line as it came, newline included
            before = input;
        }

        if (status == LineReadStatus.TooLong)
        {
            throw new InvalidDataException(
                $"a line of more than {_maxDatagram} bytes does not fit in one datagram; use --datagram-per-chunk");
        }

        var rest = input.ToArray();
        _partial.Clear();
        _partial.Write(rest);
        return datagrams;
    }

    /// <summary>At EOF: the last line if it had no newline, else null.</summary>
    public byte[]? Flush()
    {
        if (_partial.WrittenCount == 0)
        {
            return null;
        }

        var last = _partial.WrittenSpan.ToArray();
        _partial.Clear();
        return last;
    }
}
