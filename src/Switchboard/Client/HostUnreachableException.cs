using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>No route to the host or its network (EHOSTUNREACH, ENETUNREACH).</summary>
public sealed class HostUnreachableException : ClientConnectException
{
    /// <summary>Creates the exception for <paramref name="endpoint"/> with a one-line message and its cause.</summary>
    public HostUnreachableException(EndpointUri endpoint, string message, Exception? innerException)
        : base(endpoint, message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public HostUnreachableException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public HostUnreachableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public HostUnreachableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
