namespace Switchboard.Options;

/// <summary>
/// The largest values the options types accept (<c>ServerOptions</c>, <c>ServiceOptions</c>,
/// <c>ChatOptions</c>, <c>ClientOptions</c>): a value beyond them parses but cannot work, so
/// <c>Validate</c> refuses it with an <see cref="OptionOutOfRangeException"/> rather than let it break at use.
/// </summary>
public static class OptionLimits
{
    /// <summary>
    /// The longest duration: 4,294,967,294 ms (49.7 days), the most that <see cref="Task.Delay(TimeSpan)"/>,
    /// <see cref="Timer"/> and <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> accept.
    /// </summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>
    /// The largest count (connections, members, loops, a rate): 1,048,576, Linux's default <c>fs.nr_open</c> (no
    /// process can hold more descriptors, so no more connections), and far below <see cref="int.MaxValue"/>, so
    /// headroom added to a count cannot overflow.
    /// </summary>
    public const int LargestCount = 1024 * 1024;

    /// <summary>The largest size in bytes (a line, a queue, a socket buffer): 1 GiB.</summary>
    public const int LargestBytes = 1024 * 1024 * 1024;
}
