using System.Net;
using Switchboard.Serving.Internal;
using Admission = Switchboard.Serving.Internal.SourceRateTable.Admission;

namespace Switchboard.Tests.Serving;

/// <summary>The reply limit's per-source buckets: exact at any rate, fixed in size, and no way to reset a victim.</summary>
public sealed class SourceRateTableTests
{
    private const long Second = 1_000; // the tests' clock counts milliseconds

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 5)]
    [InlineData(100, 200)]
    public void ABucketGivesTheBurstThenExactlyTheRate(int rate, int burst)
    {
        var table = new SourceRateTable(64, rate, burst, Second);
        var source = SourceKey.Of(IPAddress.Parse("192.0.2.1"));
        Assert.Equal(burst, TakeAll(table, source, 0));

        // Ask every millisecond for ten seconds: the rate, to the token, whatever it is (1 and 3 included).
        var granted = 0;
        for (long now = 1; now <= 10 * Second; now++)
        {
            granted += table.TryTake(source, now) == Admission.Allowed ? 1 : 0;
        }

        Assert.InRange(granted, (10 * rate) - 1, 10 * rate);
    }

    [Fact]
    public void AnIdleSourceRefillsToTheBurstAndNoFurther()
    {
        var table = new SourceRateTable(64, 2, 4, Second);
        var source = SourceKey.Of(IPAddress.Parse("192.0.2.1"));
        Assert.Equal(4, TakeAll(table, source, 0));
        Assert.Equal(1, TakeAll(table, source, Second / 2));
        Assert.Equal(4, TakeAll(table, source, 100 * Second));
    }

    [Fact]
    public void ManyMoreSourcesThanEntriesNeverGrowTheTable()
    {
        var table = new SourceRateTable(256, 1, 1, Second);
        var admitted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var source = SourceKey.Of(new IPAddress(0x0A000000u + (uint)i)); // 10.0.0.0/8, one each
            admitted += table.TryTake(source, 0) == Admission.Allowed ? 1 : 0;
        }

        Assert.Equal(256, table.Capacity);
        Assert.InRange(admitted, 1, 256);
        Assert.Equal(admitted, table.Remembered(0));

        // Once their buckets are full again (1 s at 1/s), the entries serve new sources.
        Assert.Equal(Admission.Allowed, table.TryTake(SourceKey.Of(IPAddress.Parse("192.0.2.7")), Second));
    }

    [Fact]
    public void AFloodOfNewSourcesCannotPushAVictimOutToGiveItAFreshBurst()
    {
        // Reflection: spoof the victim until its bucket is empty, then flood new sources to evict it, then spoof
        // it again. A table that forgot the victim would hand it the burst once per round.
        var table = new SourceRateTable(64, 1, 10, Second);
        var victim = SourceKey.Of(IPAddress.Parse("198.51.100.9"));
        var toVictim = TakeAll(table, victim, 0);
        for (var round = 0; round < 50; round++)
        {
            var now = round * 10L;
            for (var i = 0; i < 1_000; i++)
            {
                table.TryTake(SourceKey.Of(new IPAddress(0x0A000000u + (uint)((round * 1_000) + i))), now);
            }

            toVictim += TakeAll(table, victim, now);
        }

        Assert.Equal(10, toVictim); // 500 ms went by: the burst and no more
    }

    [Fact]
    public void AFullSetRefusesANewcomerUntilAnEntryHasRefilled()
    {
        var table = new SourceRateTable(SourceRateTable.Ways, 1, 1, Second); // one set
        for (var i = 0; i < SourceRateTable.Ways; i++)
        {
            Assert.Equal(Admission.Allowed, table.TryTake(SourceKey.Of(new IPAddress(0x0A000000u + (uint)i)), 0));
        }

        var newcomer = SourceKey.Of(IPAddress.Parse("192.0.2.1"));
        Assert.Equal(Admission.TableFull, table.TryTake(newcomer, Second - 1));
        Assert.Equal(Admission.Allowed, table.TryTake(newcomer, Second));
        Assert.Equal(Admission.OverRate, table.TryTake(newcomer, Second));
    }

    [Fact]
    public void TakingATokenAllocatesNothing()
    {
        var table = new SourceRateTable(SourceRateTable.DefaultCapacity, 100, 200, Second);
        var sources = Enumerable.Range(0, 1_000).Select(i => SourceKey.Of(new IPAddress(0x0A000000u + (uint)i))).ToArray();
        table.TryTake(sources[0], 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            table.TryTake(sources[i % sources.Length], i / 100);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.45.6.7", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("128.0.0.1", false)]
    [InlineData("::2", false)]
    [InlineData("2001:db8::1", false)]
    public void LoopbackIsAnyAddressOf127Slash8OrColonColon1(string address, bool loopback) =>
        Assert.Equal(loopback, SourceKey.Of(IPAddress.Parse(address)).IsLoopback);

    [Fact]
    public void AnIPv4SourceCountsOnceWhetherItArrivesAsIPv4OrMappedIPv6()
    {
        var v4 = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5000).Serialize();
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 6000).Serialize();
        Assert.True(SourceKey.TryRead(v4, out var a, out var localA));
        Assert.True(SourceKey.TryRead(mapped, out var b, out var localB));
        Assert.Equal(a, b);
        Assert.Equal(SourceKey.Of(IPAddress.Parse("192.0.2.1")), a);
        Assert.False(localA || localB);
    }

    [Fact]
    public void AUnixSocketIsLocalAndKeyedByItsPath()
    {
        var one = new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/one.sock").Serialize();
        var two = new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/two.sock").Serialize();
        Assert.True(SourceKey.TryRead(one, out var a, out var local));
        Assert.True(SourceKey.TryRead(two, out var b, out _));
        Assert.True(local);
        Assert.NotEqual(a, b);
        Assert.False(a.IsLoopback);
    }

    private static int TakeAll(SourceRateTable table, SourceKey source, long now)
    {
        var taken = 0;
        while (table.TryTake(source, now) == Admission.Allowed)
        {
            taken++;
        }

        return taken;
    }
}
