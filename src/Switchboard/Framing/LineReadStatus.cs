namespace Switchboard.Framing;

/// <summary>What one <see cref="LineReader.Read"/> found.</summary>
public enum LineReadStatus
{
    /// <summary>No whole line yet: read more and call again with the bytes not consumed in front.</summary>
    NeedMore,

    /// <summary>A whole line; the line is its payload, the delimiter excluded.</summary>
    Line,

    /// <summary>A line passed the limit (under <see cref="LineOverflow.Refuse"/> or <see cref="LineOverflow.Skip"/>).</summary>
    TooLong,

    /// <summary>Under <see cref="LineOverflow.Split"/>: the bytes of an over-long line received so far; it goes on.</summary>
    Part,
}
