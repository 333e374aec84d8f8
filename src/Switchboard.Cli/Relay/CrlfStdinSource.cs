namespace Switchboard.Cli.Relay;

/// <summary>
/// <c>-C</c>: stdin with every line ending sent as CRLF, for the line protocols that require it (SMTP, HTTP/1.0,
/// IRC). A <c>\n</c> becomes <c>\r\n</c>; one already preceded by <c>\r</c> is left alone (as ncat does), so a CRLF
/// file is not sent as <c>\r\r\n</c>. The preceding byte is remembered across reads.
/// </summary>
internal sealed class CrlfStdinSource(IStdinSource inner) : IStdinSource
{
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

            _pending = ToCrlf(_raw.AsSpan(0, n), ref _lastWasCr);
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
    public static byte[] ToCrlf(ReadOnlySpan<byte> input, ref bool lastWasCr)
    {
        var output = new List<byte>(input.Length + 16);
        foreach (var b in input)
        {
            if (b == (byte)'\n' && !lastWasCr)
            {
                output.Add((byte)'\r');
            }

            output.Add(b);
            lastWasCr = b == (byte)'\r';
        }

        return [.. output];
    }
}
