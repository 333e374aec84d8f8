namespace Switchboard.Security;

/// <summary>A certificate or key could not be loaded. The message is one line naming the file and the reason.</summary>
public sealed class TlsCertificateException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public TlsCertificateException() : base("cannot load the TLS certificate")
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public TlsCertificateException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public TlsCertificateException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
