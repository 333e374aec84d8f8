using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>
/// A client could not reach its endpoint, or lost it. The message is one line that names the endpoint; the subclasses
/// say why (<see cref="ConnectionRefusedException"/>, <see cref="ConnectTimedOutException"/>,
/// <see cref="HostUnreachableException"/>, <see cref="HostNotFoundException"/>); this base type covers the rest.
/// </summary>
public class ClientConnectException : IOException
{
    /// <summary>Creates the exception for <paramref name="endpoint"/> with a one-line message and its cause.</summary>
    public ClientConnectException(EndpointUri endpoint, string message, Exception? innerException)
        : base(message, innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ClientConnectException() : base("cannot connect")
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public ClientConnectException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public ClientConnectException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The endpoint that could not be reached; null only for the parameterless constructors.</summary>
    public EndpointUri? Endpoint { get; }
}
