namespace Switchboard.Serving;

/// <summary>
/// The server could not get what it needs to start serving (descriptors or threads for its event loops). Whatever
/// it had taken is released before this is thrown. The message is one line that names the cause.
/// </summary>
public sealed class ServerStartException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ServerStartException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public ServerStartException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ServerStartException() : base("the server could not start")
    {
    }
}
