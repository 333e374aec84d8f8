namespace Switchboard.Framing;

/// <summary>What a <see cref="LineReader"/> does with a line that passes its framer's <see cref="DelimitedFramer.MaxFrameLength"/>.</summary>
public enum LineOverflow
{
    /// <summary>
    /// Reports <see cref="LineReadStatus.TooLong"/> and consumes nothing: the caller refuses the input (an error
    /// reply, a closed connection). What <see cref="DelimitedFramer.TryRead"/> does, without the exception.
    /// </summary>
    Refuse,

    /// <summary>
    /// Reports <see cref="LineReadStatus.TooLong"/> once, as soon as the limit is passed, and skips the rest of that
    /// line up to its end, across reads; the lines after it are read as usual. Memory stays at the limit whatever
    /// the peer sends. The chat's rule: an over-long line is never relayed in part.
    /// </summary>
    Skip,

    /// <summary>
    /// Never refuses: a line whose end has not come within the limit is handed out as it stands
    /// (<see cref="LineReadStatus.Part"/>), and the rest of it follows as more parts and finally a
    /// <see cref="LineReadStatus.Line"/>. The limit then bounds what the caller holds while it waits for an end;
    /// a whole line already in the input is returned whole, however long. For output that must not be held
    /// without bound (several peers printing whole lines to one terminal).
    /// </summary>
    Split,
}
