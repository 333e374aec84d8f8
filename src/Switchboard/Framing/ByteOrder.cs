namespace Switchboard.Framing;

/// <summary>The byte order of a length prefix.</summary>
public enum ByteOrder
{
    /// <summary>Most significant byte first: network order, Python's <c>struct</c> <c>"!"</c>.</summary>
    BigEndian,

    /// <summary>Least significant byte first: x86's own order, Python's <c>struct</c> <c>"&lt;"</c>.</summary>
    LittleEndian,
}
