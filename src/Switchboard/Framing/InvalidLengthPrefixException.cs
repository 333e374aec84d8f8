using System.Globalization;

namespace Switchboard.Framing;

/// <summary>A signed length prefix is negative: the peer is not speaking this framing.</summary>
public sealed class InvalidLengthPrefixException : FramingException
{
    /// <summary>Creates the exception for the prefix value <paramref name="prefix"/>.</summary>
    public InvalidLengthPrefixException(long prefix)
        : base(string.Create(CultureInfo.InvariantCulture, $"length prefix is negative ({prefix})"))
    {
        Prefix = prefix;
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidLengthPrefixException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidLengthPrefixException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public InvalidLengthPrefixException()
        : base("invalid length prefix")
    {
    }

    /// <summary>The prefix as read.</summary>
    public long Prefix { get; }
}
