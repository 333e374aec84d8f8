using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>Nothing accepts connections at the endpoint (ECONNREFUSED), or no socket file exists at a Unix path; for udp and unixgram, the peer's port or path is closed.</summary>
public sealed class ConnectionRefusedException : ClientConnectException
{
    /// <summary>Creates the exception for <paramref name="endpoint"/> with a one-line message and its cause.</summary>
    public ConnectionRefusedException(EndpointUri endpoint, string message, Exception? innerException)
        : base(endpoint, message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ConnectionRefusedException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public ConnectionRefusedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public ConnectionRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
