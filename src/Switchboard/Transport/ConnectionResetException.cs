namespace Switchboard.Transport;

/// <summary>
/// The peer reset the connection (RST: <c>ECONNRESET</c>), or it is gone and a send found out (broken pipe,
/// <c>EPIPE</c>). Ordinary on the internet: a client that quits without closing. <see cref="ConnectionException.Reason"/>
/// is <see cref="CloseReason.PeerReset"/>.
/// </summary>
public sealed class ConnectionResetException : ConnectionException
{
    /// <summary>Creates the exception with a message and its cause (the <c>SocketException</c>).</summary>
    public ConnectionResetException(string message, Exception innerException)
        : base(message, CloseReason.PeerReset, innerException)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectionResetException(string message)
        : base(message, CloseReason.PeerReset, null)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ConnectionResetException()
        : base("connection reset by peer", CloseReason.PeerReset, null)
    {
    }
}
