using System.Buffers;

namespace Switchboard.Cli.Relay;

/// <summary>
/// Cuts stdin into datagrams: one per line, the <c>\n</c> kept (so an echo's reply prints as the line did), a last
/// line without one sent at EOF; or, per chunk, one per stdin read. A line longer than <see cref="MaxDatagram"/>
/// is an error rather than a silent split.
/// </summary>
internal sealed class DatagramSplitter(bool perChunk, int maxDatagram)
{
    private readonly ArrayBufferWriter<byte> _partial = new();

    public int MaxDatagram => maxDatagram;

    /// <summary>The datagrams that <paramref name="chunk"/> completes, in order.</summary>
    public List<byte[]> Push(ReadOnlySpan<byte> chunk)
    {
        var datagrams = new List<byte[]>();
        if (perChunk)
        {
            for (var start = 0; start < chunk.Length; start += maxDatagram)
            {
                datagrams.Add(chunk.Slice(start, Math.Min(maxDatagram, chunk.Length - start)).ToArray());
            }

            return datagrams;
        }

        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var take = newline < 0 ? chunk.Length : newline + 1;
            if (_partial.WrittenCount + take > maxDatagram)
            {
                throw new InvalidDataException(
                    $"a line of more than {maxDatagram} bytes does not fit in one datagram; use --datagram-per-chunk");
            }

            _partial.Write(chunk[..take]);
            chunk = chunk[take..];
            if (newline >= 0)
            {
                datagrams.Add(_partial.WrittenSpan.ToArray());
                _partial.Clear();
            }
        }

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
