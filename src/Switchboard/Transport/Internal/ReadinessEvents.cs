namespace Switchboard.Transport.Internal;

/// <summary>
/// What a readiness backend watches a socket for (<see cref="ReadinessRegistration.Interest"/>) and what it reports
/// (<see cref="ReadinessRegistration.Report"/>), in the backend's own terms translated once.
/// </summary>
[Flags]
internal enum ReadinessEvents
{
    None = 0,

    /// <summary>Input, end of stream or an error is there: a read would not block.</summary>
    Read = 1,

    /// <summary>Send space or an error is there: a send would not block.</summary>
    Write = 2,

    /// <summary>The peer closed or the socket failed: it stays readable with no further event.</summary>
    HangUp = 4,
}
