using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>
/// The TLS handshake with the server failed: its certificate did not verify (not trusted, not for this name, out of
/// its dates), or the handshake itself did not complete. The message is one line naming the endpoint and why.
/// </summary>
public sealed class TlsHandshakeException : ClientConnectException
{
    /// <summary>Creates the exception for <paramref name="endpoint"/> with a one-line message and its cause.</summary>
    public TlsHandshakeException(EndpointUri endpoint, string message, Exception? innerException)
        : base(endpoint, message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public TlsHandshakeException() : base("TLS handshake failed")
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public TlsHandshakeException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public TlsHandshakeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
