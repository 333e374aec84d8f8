namespace Switchboard.Transport;

/// <summary>
/// A stream connection is gone: a read or write on <see cref="Connection.Input"/> or <see cref="Connection.Output"/>
/// (or a client's <c>ClientConnection</c>) failed because of the connection, not because of the handler. Socket
/// errors are mapped to this family once, where the pipes meet the socket, so a handler catches
/// <see cref="ConnectionException"/> for "the connection ended under me" or one of the subclasses for why:
/// <see cref="ConnectionResetException"/> (the peer reset it), <see cref="ConnectionAbortedException"/> (this side
/// aborted it), <see cref="ConnectionTimedOutException"/> (the peer stopped answering). The base type itself is an
/// unexpected socket error. <see cref="Exception.InnerException"/> is the original <c>SocketException</c> (or
/// <see cref="ObjectDisposedException"/>, <see cref="OperationCanceledException"/>); <see cref="Reason"/> is the close
/// reason the server records for it.
/// </summary>
public class ConnectionException : IOException
{
    /// <summary>Creates the exception with a message, the close reason it stands for, and its cause.</summary>
    public ConnectionException(string message, CloseReason reason, Exception? innerException)
        : base(message, innerException) => Reason = reason;

    /// <summary>Creates the exception with a message and its cause; the reason is <see cref="CloseReason.Error"/>.</summary>
    public ConnectionException(string message, Exception innerException)
        : this(message, CloseReason.Error, innerException)
    {
    }

    /// <summary>Creates the exception with a message; the reason is <see cref="CloseReason.Error"/>.</summary>
    public ConnectionException(string message)
        : this(message, CloseReason.Error, null)
    {
    }

    /// <summary>Creates the exception with a default message; the reason is <see cref="CloseReason.Error"/>.</summary>
    public ConnectionException()
        : this("the connection failed", CloseReason.Error, null)
    {
    }

    /// <summary>Why the connection ended, as the server records it in logs and metrics.</summary>
    public CloseReason Reason { get; }
}
