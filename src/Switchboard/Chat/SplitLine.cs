namespace Switchboard.Chat;

/// <summary>One line from <see cref="LineSplitter"/>: its bytes (terminator excluded), or an overflow.</summary>
/// <param name="Bytes">The line's bytes; empty for an overflow.</param>
/// <param name="TooLong">True when the line passed the limit and was discarded.</param>
internal readonly record struct SplitLine(ReadOnlyMemory<byte> Bytes, bool TooLong = false)
{
    /// <summary>A line that passed the limit: it is skipped to its end and never relayed in part.</summary>
    public static SplitLine Overflow { get; } = new(ReadOnlyMemory<byte>.Empty, TooLong: true);
}
