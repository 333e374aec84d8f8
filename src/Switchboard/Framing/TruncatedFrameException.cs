using System.Globalization;

namespace Switchboard.Framing;

/// <summary>The stream ended in the middle of a frame; the partial frame is discarded.</summary>
public sealed class TruncatedFrameException : FramingException
{
    /// <summary>Creates the exception for <paramref name="bytesReceived"/> bytes of an unfinished frame.</summary>
    public TruncatedFrameException(long bytesReceived)
        : base(string.Create(CultureInfo.InvariantCulture, $"the stream ended {bytesReceived} bytes into a frame (truncated frame discarded)"))
    {
        BytesReceived = bytesReceived;
    }

    /// <summary>Creates the exception with a message.</summary>
    public TruncatedFrameException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TruncatedFrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public TruncatedFrameException()
        : base("the stream ended in the middle of a frame")
    {
    }

    /// <summary>How many bytes of the unfinished frame had arrived.</summary>
    public long BytesReceived { get; }
}
