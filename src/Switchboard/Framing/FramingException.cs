namespace Switchboard.Framing;

/// <summary>
/// The bytes on a stream break the framing's rules or limits. The message names the limit and its value; no
/// partial message is handed on. The stream cannot be resynchronised: close the connection.
/// </summary>
public class FramingException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public FramingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public FramingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public FramingException()
        : base("the stream broke its framing")
    {
    }

    /// <summary>
    /// True when a <see cref="FrameReader"/> threw it for the bytes it read: the peer's fault, which the server
    /// closes with <see cref="Transport.CloseReason.Limit"/> and one warning, not as a handler failure. False for a
    /// writer's refusal of the handler's own payload.
    /// </summary>
    public bool FromPeer { get; internal set; }
}
