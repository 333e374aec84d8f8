using System.Diagnostics;

namespace Switchboard.Serving.Internal;

/// <summary>
/// A token bucket per datagram source in a table of fixed size, so the reply limit's memory is the same for two
/// sources or two billion (a spoofer picks a new source address per datagram for free). Each entry is 24 bytes
/// and allocated once: <see cref="DefaultCapacity"/> entries take 1.5 MiB. Taking a token allocates nothing.
/// </summary>
/// <remarks>
/// <para>Each bucket is kept as one time (GCRA, the generic cell rate algorithm of ATM and of nginx's
/// <c>limit_req</c>): the moment the bucket will be full again. A token costs <c>1/rate</c> seconds of that time and
/// a source may run <c>burst - 1</c> tokens ahead of now, so refill is exact at any rate, 1 per second as well as
/// 100 — no refill period to round to.</para>
/// <para>The table is set-associative: a source hashes (with a per-process seed) to a set of <see cref="Ways"/>
/// entries. An entry is reused only once its bucket is full again, and a full bucket is exactly what a source the
/// table has never seen gets: forgetting it changes nothing, so no flood of new sources can push a victim out of
/// the table to hand it a fresh burst. When every entry of a set still holds a partly spent bucket, a source not
/// in the set gets no reply (<see cref="Admission.TableFull"/>) until one is full again: the limit fails closed.
/// At the default 100 replies/s a spent token is back in 10 ms, so a set is full only while sources keep hitting
/// it at the rate limit.</para>
/// </remarks>
internal sealed class SourceRateTable
{
    /// <summary>The default number of entries: 65,536 sources in reply at once, 1.5 MiB.</summary>
    public const int DefaultCapacity = 64 * 1024;

    /// <summary>Entries per set: a lookup reads these, 192 bytes in a row.</summary>
    public const int Ways = 8;

    private readonly Entry[] _entries;
    private readonly int _setMask;
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly Lock _lock = new();

    /// <param name="capacity">Entries, rounded up to a power of two and at least <see cref="Ways"/>.</param>
    /// <param name="perSecond">Tokens a bucket gains per second; more than 0.</param>
    /// <param name="burst">Tokens a full bucket holds; at least 1.</param>
    /// <param name="ticksPerSecond">The clock the callers' timestamps count in; <see cref="Stopwatch.Frequency"/> by default.</param>
    public SourceRateTable(int capacity, double perSecond, int burst, long ticksPerSecond = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        var sets = (int)Math.Max(1, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity) / Ways);
        _entries = new Entry[sets * Ways];
        _setMask = sets - 1;
        var frequency = ticksPerSecond > 0 ? ticksPerSecond : Stopwatch.Frequency;
        _interval = (long)Math.Clamp(Math.Round(frequency / perSecond), 1, long.MaxValue / 4);
        _tolerance = (long)Math.Min((burst - 1.0) * _interval, long.MaxValue / 4); // far beyond any clock's reach
    }

    /// <summary>The answer of <see cref="TryTake"/>.</summary>
    public enum Admission
    {
        /// <summary>A token was taken: the reply may go.</summary>
        Allowed,

        /// <summary>The source's bucket is empty.</summary>
        OverRate,

        /// <summary>The source is not in the table and every entry of its set is still refilling.</summary>
        TableFull,
    }

    /// <summary>The number of entries, fixed at construction.</summary>
    public int Capacity => _entries.Length;

    /// <summary>Takes a token from <paramref name="source"/>'s bucket at <paramref name="now"/> (a timestamp of the clock given at construction).</summary>
    public Admission TryTake(SourceKey source, long now)
    {
        var first = (source.Hash & _setMask) * Ways;
        lock (_lock)
        {
            var set = _entries.AsSpan(first, Ways);
            var free = -1;
            for (var i = 0; i < set.Length; i++)
            {
                ref var entry = ref set[i];
                if (entry.Source == source)
                {
                    return Take(ref entry, now);
                }

                if (free < 0 && entry.FullAt <= now)
                {
                    free = i;
                }
            }

            if (free < 0)
            {
                return Admission.TableFull;
            }

            ref var fresh = ref set[free];
            fresh.Source = source;
            fresh.FullAt = now;
            return Take(ref fresh, now);
        }
    }

    /// <summary>Entries whose bucket is not full at <paramref name="now"/>: the sources the table must remember. For tests.</summary>
    public int Remembered(long now)
    {
        lock (_lock)
        {
            var count = 0;
            foreach (var entry in _entries)
            {
                if (entry.FullAt > now)
                {
                    count++;
                }
            }

            return count;
        }
    }

    private Admission Take(ref Entry entry, long now)
    {
        var fullAt = Math.Max(entry.FullAt, now);
        if (fullAt - now > _tolerance)
        {
            return Admission.OverRate;
        }

        entry.FullAt = fullAt + _interval;
        return Admission.Allowed;
    }

    private struct Entry
    {
        public SourceKey Source;

        /// <summary>When the bucket is full again; at or before now, the entry may be given to another source.</summary>
        public long FullAt;
    }
}
