namespace Switchboard.Transport;

/// <summary>
/// The peer stopped answering (<c>ETIMEDOUT</c>): TCP keepalive probes (<see cref="Connection.EnableKeepAlive"/>,
/// <see cref="TransportOptions.KeepAlive"/>) or retransmissions of unacknowledged data went unanswered, so the
/// kernel ended the connection. A peer that vanished (pulled cable, a host gone) without a reset.
/// <see cref="ConnectionException.Reason"/> is <see cref="CloseReason.TimedOut"/>.
/// </summary>
public sealed class ConnectionTimedOutException : ConnectionException
{
    /// <summary>Creates the exception with a message and its cause (the <c>SocketException</c>).</summary>
    public ConnectionTimedOutException(string message, Exception innerException)
        : base(message, CloseReason.TimedOut, innerException)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectionTimedOutException(string message)
        : base(message, CloseReason.TimedOut, null)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ConnectionTimedOutException()
        : base("connection timed out: the peer stopped answering", CloseReason.TimedOut, null)
    {
    }
}
