using Switchboard.Options;
namespace Switchboard.Services;

/// <summary>Settings the classic services share.</summary>
public sealed class ServiceOptions
{
    /// <summary>
    /// The longest line a line-based service (timestamp) accepts, terminator included. Defaults to 8 KiB
    /// (Kestrel's request-line limit). A longer line gets one error line and the connection is closed.
    /// </summary>
    public int MaxLine { get; set; } = 8 * 1024;

    /// <summary>
    /// How long a partial line may sit without its newline before the timestamp service answers it as it stands.
    /// Defaults to 200 ms: the tutorial's own client sends no newline and waits for the answer.
    /// </summary>
    public TimeSpan LineFlush { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long one line (or frame) may take from its first byte to its terminator before the connection is closed
    /// with reason <see cref="Transport.CloseReason.Limit"/>. Defaults to 30 s, as nginx's
    /// <c>client_header_timeout</c> (60 s) and Kestrel's header timeout (30 s): a slow client that dribbles a byte
    /// now and then never trips the idle timeout, so without this it could hold its slot for ever.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan LineTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for daytime, time and timestamp. Defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Throws <see cref="OptionOutOfRangeException"/> (an <see cref="ArgumentOutOfRangeException"/>) naming the option
    /// for a value no service can run with: <see cref="MaxLine"/> from 1 to <see cref="OptionLimits.LargestBytes"/>,
    /// durations from 0 to <see cref="OptionLimits.LongestDuration"/> (<see cref="LineTimeout"/> also
    /// <see cref="Timeout.InfiniteTimeSpan"/>).
    /// </summary>
    public void Validate()
    {
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxLine, 1, OptionLimits.LargestBytes, nameof(MaxLine));
        OptionOutOfRangeException.ThrowIfOutOfRange(LineFlush, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(LineFlush));
        if (LineTimeout != Timeout.InfiniteTimeSpan)
        {
            OptionOutOfRangeException.ThrowIfOutOfRange(LineTimeout, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(LineTimeout));
        }
    }
}
