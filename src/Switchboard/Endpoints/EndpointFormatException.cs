namespace Switchboard.Endpoints;

/// <summary>An endpoint URI could not be parsed. The message is one line that names the bad part.</summary>
public sealed class EndpointFormatException : FormatException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public EndpointFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public EndpointFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public EndpointFormatException() : base("invalid endpoint")
    {
    }
}
