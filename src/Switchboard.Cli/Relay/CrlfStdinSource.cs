using System.Buffers;
using Switchboard.Framing;

namespace Switchboard.Cli.Relay;

/// <summary>
/// <c>-C</c>: stdin with every line ending sent as CRLF, for the line protocols that require it (SMTP, HTTP/1.0,
/// IRC). A <c>\n</c> becomes <c>\r\n</c>; one already preceded by <c>\r</c> is left alone (as ncat does), so a CRLF
/// file is not sent as <c>\r\r\n</c>. The preceding byte is remembered across reads. Lines are the library's
/// <see cref="DelimitedFramer"/>'s, with no limit: each read's bytes are rewritten as they come, nothing is held.
/// </summary>
internal sealed class CrlfStdinSource(IStdinSource inner) : IStdinSource
{
    private static readonly DelimitedFramer Lines = DelimitedFramer.NewLine(int.MaxValue);

    private byte[] _raw = [];
    private ReadOnlyMemory<byte> _pending;
    private bool _lastWasCr;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            if (_raw.Length < buffer.Length)
            {
                _raw = new byte[buffer.Length];
            }

            var n = await inner.ReadAsync(_raw.AsMemory(0, buffer.Length), cancellationToken);
            if (n == 0)
            {
                return 0;
            }

            _pending = ToCrlf(_raw.AsMemory(0, n), ref _lastWasCr);
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    /// <summary>
    /// <paramref name="input"/> with each bare <c>\n</c> made <c>\r\n</c>; <paramref name="lastWasCr"/> carries
    /// whether the byte before <paramref name="input"/> was <c>\r</c> in, and the last byte's out.
    /// </summary>
    public static byte[] ToCrlf(ReadOnlyMemory<byte> input, ref bool lastWasCr)
    {
        var output = new ArrayBufferWriter<byte>(input.Length + 16);
        var rest = new ReadOnlySequence<byte>(input);
        while (Lines.TryRead(ref rest, out var line))
        {
            var crBefore = line.IsEmpty ? lastWasCr : line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';
            Write(output, line);
            output.Write(crBefore ? "\n"u8 : "\r\n"u8);
            lastWasCr = false;
        }

        Write(output, rest); // a line not finished in this read goes as it is; its end comes with a later one
        if (!rest.IsEmpty)
        {
            lastWasCr = rest.Slice(rest.Length - 1).FirstSpan[0] == (byte)'\r';
        }

        return output.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> output, in ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            output.Write(segment.Span);
        }
    }
}
