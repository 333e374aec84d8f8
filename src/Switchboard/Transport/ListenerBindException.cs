namespace Switchboard.Transport;

/// <summary>
/// A listener could not be bound: the address is in use, permission was denied, the address is not local, or a
/// Unix path is taken. The message is one line that names the endpoint.
/// </summary>
public sealed class ListenerBindException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ListenerBindException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public ListenerBindException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ListenerBindException() : base("cannot bind listener")
    {
    }
}
