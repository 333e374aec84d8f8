namespace Switchboard.Cli.Bench;

/// <summary>
/// The bytes an echo client sends: byte <c>o</c> of a connection's stream is <c>Table[o % Period]</c>. The period
/// is prime, so a lost, repeated or reordered chunk shows up as a mismatch unless it is a multiple of 251 bytes
/// long, and checking a received chunk is one vectorised comparison against a slice of the table.
/// </summary>
internal sealed class BytePattern
{
    public const int Period = 251;

    private readonly byte[] _table;

    /// <param name="longestSlice">The longest slice ever asked for (a message, or a receive buffer).</param>
    public BytePattern(int longestSlice)
    {
        _table = new byte[Period + longestSlice];
        for (var i = 0; i < _table.Length; i++)
        {
            _table[i] = (byte)('!' + (i % Period % 94)); // printable, so a server that mangles text is seen too
        }
    }

    /// <summary>The <paramref name="length"/> bytes that start at stream offset <paramref name="offset"/>.</summary>
    public ReadOnlySpan<byte> At(long offset, int length) => _table.AsSpan((int)(offset % Period), length);
}
