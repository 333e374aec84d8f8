namespace Switchboard.Transport;

/// <summary>
/// Why a connection ended. The first reason recorded wins; logs and metrics (<c>switchboard.close.reason</c>, and
/// <c>error.type</c> for the reasons that are errors, <see cref="CloseReasonNames.IsError"/>) carry it.
/// </summary>
public enum CloseReason
{
    /// <summary>The handler finished and the server closed the connection (daytime, time).</summary>
    Completed,

    /// <summary>The peer ended its stream (FIN) and the handler finished.</summary>
    PeerClosed,

    /// <summary>The peer reset the connection (RST, broken pipe).</summary>
    PeerReset,

    /// <summary>Nothing moved either way for the idle timeout.</summary>
    Idle,

    /// <summary>A limit was hit: the connection count at accept, a line too long, a queue overflow.</summary>
    Limit,

    /// <summary>The server stopped and the drain time ran out before the connection ended.</summary>
    Drain,

    /// <summary>The handler failed, or an unexpected socket error.</summary>
    Error,

    /// <summary>A line or frame was not complete within its time (<c>ServiceOptions.LineTimeout</c>): a slow or stalled sender.</summary>
    FrameTimeout,

    /// <summary>
    /// The server was full and a newcomer took this connection's slot, because this one had the longest-unfinished
    /// line or frame (see <c>ServerOptions.EvictionGrace</c>).
    /// </summary>
    Evicted,

    /// <summary>
    /// The peer stopped answering: TCP keepalive probes or retransmissions went unanswered and the kernel ended the
    /// connection (<see cref="ConnectionTimedOutException"/>).
    /// </summary>
    TimedOut,

    /// <summary>
    /// The TLS handshake failed or did not finish within its deadline (<c>TlsServerOptions.HandshakeTimeout</c>):
    /// plain text to a TLS port, a client that said nothing, a refused client certificate.
    /// </summary>
    TlsHandshake,
}

/// <summary>Names for <see cref="CloseReason"/> in logs and metrics, and which reasons are errors.</summary>
public static class CloseReasonNames
{
    /// <summary>
    /// The snake_case name used in logs and as the <c>switchboard.close.reason</c> attribute (every close) and the
    /// <c>error.type</c> attribute (error closes only) of the metrics and the connection activity.
    /// </summary>
    public static string ToName(this CloseReason reason) => reason switch
    {
        CloseReason.Completed => "completed",
        CloseReason.PeerClosed => "peer_closed",
        CloseReason.PeerReset => "peer_reset",
        CloseReason.Idle => "idle_timeout",
        CloseReason.Limit => "limit",
        CloseReason.Drain => "drain",
        CloseReason.FrameTimeout => "frame_timeout",
        CloseReason.Evicted => "evicted",
        CloseReason.TimedOut => "timed_out",
        CloseReason.TlsHandshake => "tls_handshake",
        _ => "error",
    };

    /// <summary>
    /// Whether a close is an error in OpenTelemetry's sense, so it carries <c>error.type</c>: the peer reset or
    /// stopped answering, a timeout (idle, frame, TLS handshake), a limit, an eviction, a handler fault. False for
    /// the ends of a normal life: <see cref="CloseReason.Completed"/> (the handler finished),
    /// <see cref="CloseReason.PeerClosed"/> (the peer said goodbye) and <see cref="CloseReason.Drain"/> (the server
    /// was stopped on purpose and closed what was still open: a chat member idling when the operator restarts is not
    /// a failure of either side).
    /// </summary>
    public static bool IsError(this CloseReason reason) =>
        reason is not (CloseReason.Completed or CloseReason.PeerClosed or CloseReason.Drain);
}
