using System.Diagnostics;
using System.Net;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Switchboard.Serving.Internal;

namespace Switchboard.Benchmarks;

/// <summary>
/// The UDP reply limit's per-datagram check (issue 13): the fixed <see cref="SourceRateTable"/> against the
/// per-source <see cref="PartitionedRateLimiter"/> it replaced, for a few sources that stay and for a stream of
/// sources never seen before (a spoofer's). The target is zero bytes allocated per datagram in both cases.
/// </summary>
[MemoryDiagnoser]
public class ReplyLimitBenchmarks
{
    private const int DatagramsPerInvoke = 1024;

    private SourceKey[] _keys = [];
    private string[] _texts = [];
    private SourceRateTable _table = null!;
    private PartitionedRateLimiter<string> _partitioned = null!;
    private uint _next;

    /// <summary>Distinct source addresses the datagrams come from: 16 regulars, or a new one each time.</summary>
    [Params(16, 1_000_000)]
    public int Sources { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var count = Math.Min(Sources, 1 << 16);
        _keys = [.. Enumerable.Range(0, count).Select(i => SourceKey.Of(new IPAddress(0x0A000000u + (uint)i)))];
        _texts = [.. Enumerable.Range(0, count).Select(i => new IPAddress(0x0A000000u + (uint)i).ToString())];
        _table = new SourceRateTable(SourceRateTable.DefaultCapacity, 100, 200);
        _partitioned = PartitionedRateLimiter.Create<string, string>(source => RateLimitPartition.GetTokenBucketLimiter(
            source,
            _ => new TokenBucketRateLimiterOptions { TokenLimit = 200, TokensPerPeriod = 10, ReplenishmentPeriod = TimeSpan.FromMilliseconds(100), QueueLimit = 0 }));
    }

    [GlobalCleanup]
    public void Cleanup() => _partitioned.Dispose();

    /// <summary>The fixed table: one lock, one set of 8 entries read.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = DatagramsPerInvoke)]
    public int Table()
    {
        var allowed = 0;
        for (var i = 0; i < DatagramsPerInvoke; i++)
        {
            var key = Sources <= _keys.Length ? _keys[i % _keys.Length] : new SourceKey(0, 0x0000_FFFF_0000_0000UL | _next++);
            allowed += _table.TryTake(key, Stopwatch.GetTimestamp()) == SourceRateTable.Admission.Allowed ? 1 : 0;
        }

        return allowed;
    }

    /// <summary>What the guard did before: a limiter per source address string.</summary>
    [Benchmark(OperationsPerInvoke = DatagramsPerInvoke)]
    public int Partitioned()
    {
        var allowed = 0;
        for (var i = 0; i < DatagramsPerInvoke; i++)
        {
            var source = Sources <= _texts.Length ? _texts[i % _texts.Length] : (_next++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var lease = _partitioned.AttemptAcquire(source);
            allowed += lease.IsAcquired ? 1 : 0;
        }

        return allowed;
    }
}
