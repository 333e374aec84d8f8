using Microsoft.Extensions.Logging;

namespace Switchboard.AspNetCore.Internal;

/// <summary>The adapter's log lines, worded as a Switchboard server's (<c>ServerLog</c>), with ids of their own.</summary>
internal static partial class KestrelLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "#{Id} {Remote} connected on {Local} ({Service}, Kestrel connection {KestrelId})")]
    public static partial void ConnectionAccepted(ILogger logger, long id, string remote, Switchboard.Endpoints.EndpointUri local, string service, string kestrelId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "#{Id} {Remote} closed ({Reason})")]
    public static partial void ConnectionClosed(ILogger logger, long id, string remote, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Debug, Message = "#{Id} {Remote} lost ({Reason})")]
    public static partial void ConnectionLost(ILogger logger, long id, string remote, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "#{Id} {Remote}: the {Service} handler failed: {Error}")]
    public static partial void HandlerFailed(ILogger logger, long id, string remote, string service, string error, Exception exception);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "#{Id} {Remote} closed over a limit: {Limit}")]
    public static partial void OverLimit(ILogger logger, long id, string remote, string limit);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "#{Id} {Remote} closed: message unfinished after {Seconds} s (LineTimeout)")]
    public static partial void MessageTimedOut(ILogger logger, long id, string remote, double seconds);
}
