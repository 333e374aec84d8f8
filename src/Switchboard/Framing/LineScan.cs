namespace Switchboard.Framing;

/// <summary>What <see cref="DelimitedFramer"/>'s line search found in the bytes so far.</summary>
internal enum LineScan
{
    /// <summary>No delimiter yet, and still within the limit: wait for more bytes.</summary>
    NeedMore,

    /// <summary>A whole line within the limit.</summary>
    Found,

    /// <summary>The line passed the limit (with or without its delimiter).</summary>
    TooLong,
}
