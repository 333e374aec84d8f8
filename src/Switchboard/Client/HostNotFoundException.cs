using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>The host name does not resolve (or resolves to no address of the wanted family).</summary>
public sealed class HostNotFoundException : ClientConnectException
{
    /// <summary>Creates the exception for <paramref name="endpoint"/> with a one-line message and its cause.</summary>
    public HostNotFoundException(EndpointUri endpoint, string message, Exception? innerException)
        : base(endpoint, message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public HostNotFoundException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public HostNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public HostNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
