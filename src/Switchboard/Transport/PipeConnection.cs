using System.IO.Pipelines;

namespace Switchboard.Transport;

/// <summary>
/// A <see cref="Connection"/> over the pipes of a transport outside Switchboard, such as Kestrel's: the handler gets
/// <see cref="Connection"/>, whose <see cref="Connection.Input"/> and <see cref="Connection.Output"/> are the
/// transport's pipes themselves (no copy, no buffer of its own); the transport keeps this object, to check message
/// deadlines on its heartbeat and read the close reason. What a Switchboard <c>Server</c> does around a connection
/// (limits, the idle timeout, metrics, the drain) is the transport's business here, so a connection over pipes
/// differs: <see cref="Connection.BytesReceived"/> and <see cref="Connection.BytesSent"/> stay 0,
/// <see cref="Connection.PeerClosedInput"/> stays false (the handler sees the end of input as a completed read),
/// <see cref="Connection.HandleIdleTimeout"/> is never called. Reads and writes fail with the library's
/// <see cref="ConnectionException"/> family, as on a Switchboard socket, for what it can tell is a lost connection (see
/// <see cref="PipeConnectionOptions.ClassifyFailure"/>), else with the transport's own exceptions.
/// </summary>
public sealed class PipeConnection
{
    /// <summary>Makes the connection a handler is given over <paramref name="transport"/>.</summary>
    public PipeConnection(IDuplexPipe transport, PipeConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        Connection = new Connection(transport, options);
    }

    /// <summary>What the handler is given.</summary>
    public Connection Connection { get; }

    /// <summary>Why the connection ended or is ending, as the handler or <see cref="CheckMessageDeadline"/> recorded it; null while none is.</summary>
    public CloseReason? CloseReason => Connection.Reason;

    /// <summary>How long the message in progress (<see cref="Connection.BeginMessage"/>) has been open; null when none is.</summary>
    public TimeSpan? MessageOpenFor => Connection.MessageStartedTicks is var started and not 0
        ? TimeSpan.FromMilliseconds(Environment.TickCount64 - started)
        : null;

    /// <summary>
    /// The heartbeat's check, for the transport to call every few hundred milliseconds (a Switchboard server checks
    /// every 500 ms): when the message in progress is past its deadline, calls the handler's
    /// <see cref="Connection.HandleMessageTimeout"/> if it set one, else aborts the connection with reason
    /// <see cref="Transport.CloseReason.FrameTimeout"/>. Returns true when it aborted the connection (for the
    /// transport's log), false otherwise. Safe from any thread; it must not block, and does not.
    /// </summary>
    public bool CheckMessageDeadline()
    {
        var connection = Connection;
        if (Environment.TickCount64 < connection.MessageDeadlineTicks || connection.TryHandleMessageTimeout()
            || !connection.TrySetReason(Transport.CloseReason.FrameTimeout))
        {
            return false;
        }

        connection.Abort(Transport.CloseReason.FrameTimeout);
        return true;
    }
}
