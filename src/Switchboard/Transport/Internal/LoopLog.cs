using Microsoft.Extensions.Logging;

namespace Switchboard.Transport.Internal;

/// <summary>Source-generated log messages of the event loops, with stable event ids (100 and up).</summary>
internal static partial class LoopLog
{
    [LoggerMessage(100, LogLevel.Error, "event loop {Loop}: posted work {Work} failed: {Message}; the loop goes on")]
    public static partial void PostedWorkFailed(ILogger logger, string loop, string work, string message, Exception exception);
}
