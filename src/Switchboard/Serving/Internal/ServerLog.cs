using Microsoft.Extensions.Logging;

namespace Switchboard.Serving.Internal;

/// <summary>Source-generated log messages with stable event ids.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Debug, "connection #{Id} from {Peer} on {Endpoint} accepted")]
    public static partial void ConnectionAccepted(ILogger logger, long id, string peer, string endpoint);

    [LoggerMessage(2, LogLevel.Debug, "connection #{Id} from {Peer} closed: {Reason}, {Received} bytes in, {Sent} bytes out")]
    public static partial void ConnectionClosed(ILogger logger, long id, string peer, string reason, long received, long sent);

    [LoggerMessage(3, LogLevel.Warning, "connection from {Peer} on {Endpoint} rejected: {Active} connections is the limit (MaxConnections)")]
    public static partial void ConnectionRejected(ILogger logger, string peer, string endpoint, int active);

    // Debug: a peer that resets is ordinary on the internet, and a reset storm must not become a log storm.
    [LoggerMessage(4, LogLevel.Debug, "connection #{Id} from {Peer} reset by peer")]
    public static partial void ConnectionReset(ILogger logger, long id, string peer);

    [LoggerMessage(5, LogLevel.Error, "connection #{Id} from {Peer}: handler failed: {Message}")]
    public static partial void HandlerFailed(ILogger logger, long id, string peer, string message, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "connection #{Id} from {Peer} closed after {Seconds} s idle (IdleTimeout)")]
    public static partial void ConnectionIdle(ILogger logger, long id, string peer, double seconds);

    [LoggerMessage(7, LogLevel.Error, "datagram from {Peer} on {Endpoint}: handler failed: {Message}")]
    public static partial void DatagramHandlerFailed(ILogger logger, string peer, string endpoint, string message, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "no reply to {Peer} on {Endpoint}: {Reason}")]
    public static partial void DatagramReplyRefused(ILogger logger, string peer, string endpoint, string reason);

    [LoggerMessage(40, LogLevel.Warning, "no reply to {Peer} on {Endpoint}: over its reply rate (DatagramReplyRate, DatagramReplyBurst)")]
    public static partial void DatagramReplyLimited(ILogger logger, string peer, string endpoint);

    [LoggerMessage(41, LogLevel.Warning, "no reply to local {Peer} on {Endpoint}: over its reply rate (DatagramReplyRate, DatagramReplyBurst; local sources are limited because DatagramReplyLimitLoopback is on)")]
    public static partial void LocalDatagramReplyLimited(ILogger logger, string peer, string endpoint);

    [LoggerMessage(42, LogLevel.Warning, "no reply to {Peer} on {Endpoint}: a new source while too many are being limited at once (the reply-rate table is full; DatagramReplyRate)")]
    public static partial void DatagramSourcesFull(ILogger logger, string peer, string endpoint);

    [LoggerMessage(9, LogLevel.Warning, "accept on {Endpoint} failed: {Message}; retrying in {DelayMs} ms")]
    public static partial void AcceptFailed(ILogger logger, string endpoint, string message, int delayMs);

    [LoggerMessage(10, LogLevel.Information, "stopping: {Active} connections draining for up to {Seconds} s")]
    public static partial void Draining(ILogger logger, int active, double seconds);

    [LoggerMessage(11, LogLevel.Warning, "drain time is over: aborting {Active} connections")]
    public static partial void DrainExpired(ILogger logger, int active);

    [LoggerMessage(43, LogLevel.Warning, "stop cancelled: aborting {Active} connections without waiting for the drain time")]
    public static partial void DrainCut(ILogger logger, int active);

    [LoggerMessage(12, LogLevel.Warning, "receive on {Endpoint} failed: {Message}")]
    public static partial void ReceiveFailed(ILogger logger, string endpoint, string message);

    [LoggerMessage(14, LogLevel.Warning, "connection #{Id} from {Peer} closed by its handler: over a limit (e.g. MaxLine)")]
    public static partial void ConnectionOverLimit(ILogger logger, long id, string peer);

    [LoggerMessage(20, LogLevel.Warning, "connection #{Id} from {Peer} closed: it broke the framing: {Limit}")]
    public static partial void ConnectionBrokeFraming(ILogger logger, long id, string peer, string limit);

    // Debug, like a reset: a peer that vanished (keepalive or retransmissions unanswered) is ordinary on the internet.
    [LoggerMessage(21, LogLevel.Debug, "connection #{Id} from {Peer} timed out: the peer stopped answering")]
    public static partial void ConnectionTimedOut(ILogger logger, long id, string peer);

    [LoggerMessage(13, LogLevel.Information, "serving {Service} on {Endpoint} ({Model} model)")]
    public static partial void Listening(ILogger logger, string service, string endpoint, string model);

    [LoggerMessage(EventId = 15, Message = "{Event}: … and {Count} more in the last {Seconds} s")]
    public static partial void Suppressed(ILogger logger, LogLevel level, string @event, long count, double seconds);

    [LoggerMessage(16, LogLevel.Warning, "the connection limit (MaxConnections) of {Requested} cannot fit under the open-file limit ({Limit}, {Open} open now, {Reserve} kept in reserve for the runtime): serving at most {Effective} connections; raise the limit (ulimit -n) to serve more")]
    public static partial void DescriptorLimitTooLow(ILogger logger, int requested, long limit, int open, int reserve, int effective);

    [LoggerMessage(17, LogLevel.Warning, "connection #{Id} from {Peer} closed: its line (or frame) was not complete after {Seconds} s (LineTimeout)")]
    public static partial void MessageTimedOut(ILogger logger, long id, string peer, double seconds);

    [LoggerMessage(18, LogLevel.Warning, "server full: connection #{Id} from {Peer} evicted for a newcomer, its line unfinished for {Seconds} s")]
    public static partial void ConnectionEvicted(ILogger logger, long id, string peer, double seconds);

    [LoggerMessage(19, LogLevel.Warning, "connection from {Peer} on {Endpoint} rejected: {Limit} connections from one address is the limit (MaxConnectionsPerAddress)")]
    public static partial void ConnectionRejectedPerAddress(ILogger logger, string peer, string endpoint, int limit);

    [LoggerMessage(44, LogLevel.Information, "{Service}: limits updated: {Changes}")]
    public static partial void LimitsUpdated(ILogger logger, string service, string changes);
}
