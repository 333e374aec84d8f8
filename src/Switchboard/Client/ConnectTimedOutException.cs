using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>No answer within the connect timeout (the peer's backlog is full, or packets are dropped on the way).</summary>
public sealed class ConnectTimedOutException : ClientConnectException
{
    /// <summary>Creates the exception for <paramref name="endpoint"/> with a one-line message and its cause.</summary>
    public ConnectTimedOutException(EndpointUri endpoint, string message, Exception? innerException)
        : base(endpoint, message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ConnectTimedOutException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public ConnectTimedOutException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public ConnectTimedOutException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
