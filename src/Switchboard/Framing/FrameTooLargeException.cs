using System.Globalization;

namespace Switchboard.Framing;

/// <summary>
/// A frame is, or would be, longer than the framer's maximum: a length prefix over it, a delimiter not seen
/// within it, a close-delimited message that keeps growing past it, or a payload given to a writer.
/// </summary>
public sealed class FrameTooLargeException : FramingException
{
    /// <summary>Creates the exception; <paramref name="length"/> is the frame's length, or as much as was seen.</summary>
    public FrameTooLargeException(long length, int maxFrameLength, string message)
        : base(message)
    {
        Length = length;
        MaxFrameLength = maxFrameLength;
    }

    /// <summary>Creates the exception with a message.</summary>
    public FrameTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public FrameTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public FrameTooLargeException()
        : base("frame too large")
    {
    }

    /// <summary>The frame's length in bytes, or at least this many when its end was never seen.</summary>
    public long Length { get; }

    /// <summary>The limit it broke.</summary>
    public int MaxFrameLength { get; }

    internal static FrameTooLargeException Payload(long length, int max) =>
        new(length, max, string.Create(CultureInfo.InvariantCulture, $"frame of {length} bytes exceeds MaxFrameLength ({max} bytes)"));
}
