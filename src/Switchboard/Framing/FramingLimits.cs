namespace Switchboard.Framing;

/// <summary>The default maxima of the framers: limits are on unless a caller raises them on purpose.</summary>
public static class FramingLimits
{
    /// <summary>
    /// The longest delimited frame (a line), delimiter excluded: 8 KiB, the same as <c>ServiceOptions.MaxLine</c>
    /// and Kestrel's request-line limit. Lines longer than this are an attack or a mistake in a line protocol.
    /// </summary>
    public const int DefaultMaxLineLength = 8 * 1024;

    /// <summary>
    /// The longest length-prefixed or close-delimited message: 1 MiB, Kestrel's default
    /// <c>MaxRequestBufferSize</c>. Without a cap, one four-byte prefix could make the reader buffer 4 GiB.
    /// </summary>
    public const int DefaultMaxMessageLength = 1024 * 1024;
}
