namespace Switchboard.Transport;

/// <summary>
/// This side aborted the connection while a read or write was pending or after it: the server (idle timeout, line
/// timeout, a limit, eviction, the drain deadline), a handler (<see cref="Connection.Abort()"/>), or a client that
/// aborted or disposed its own connection. The reads and writes of an aborted connection fail with this exception
/// whatever token they were given, including <see cref="Connection.Aborted"/>. <see cref="ConnectionException.Reason"/>
/// is the reason recorded when it was aborted (<see cref="CloseReason.Error"/> when none was).
/// </summary>
public sealed class ConnectionAbortedException : ConnectionException
{
    /// <summary>Creates the exception with a message, the reason the connection was aborted for, and its cause.</summary>
    public ConnectionAbortedException(string message, CloseReason reason, Exception? innerException)
        : base(message, reason, innerException)
    {
    }

    /// <summary>Creates the exception with a message and its cause; the reason is <see cref="CloseReason.Error"/>.</summary>
    public ConnectionAbortedException(string message, Exception innerException)
        : base(message, CloseReason.Error, innerException)
    {
    }

    /// <summary>Creates the exception with a message; the reason is <see cref="CloseReason.Error"/>.</summary>
    public ConnectionAbortedException(string message)
        : base(message, CloseReason.Error, null)
    {
    }

    /// <summary>Creates the exception with a default message; the reason is <see cref="CloseReason.Error"/>.</summary>
    public ConnectionAbortedException()
        : base("the connection was aborted", CloseReason.Error, null)
    {
    }
}
