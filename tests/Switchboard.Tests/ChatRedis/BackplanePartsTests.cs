using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Chat.Redis;
using Switchboard.Chat.Redis.Internal;

namespace Switchboard.Tests.ChatRedis;

/// <summary>The backplane's pure parts: addresses, the envelope, gap counting.</summary>
public sealed class BackplanePartsTests
{
    [Fact]
    public void AddressesGiveStackExchangeRedisItsEndpointPasswordAndTls()
    {
        var tcp = RedisBackplaneUri.Parse("redis://:s%40cret@127.0.0.1:6380?connectTimeout=1500");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6380), Assert.Single(tcp.EndPoints));
        Assert.Equal("s@cret", tcp.Password);
        Assert.Equal(1500, tcp.ConnectTimeout);
        Assert.False(tcp.Ssl);

        var tls = RedisBackplaneUri.Parse("rediss://user:pw@cache.example?sslHost=cache");
        Assert.Equal(new DnsEndPoint("cache.example", RedisBackplaneUri.DefaultPort), Assert.Single(tls.EndPoints));
        Assert.True(tls.Ssl);
        Assert.Equal("user", tls.User);
        Assert.Equal("cache", tls.SslHost);

        var unix = RedisBackplaneUri.Parse("unix:///run/redis/redis.sock");
        Assert.Equal("/run/redis/redis.sock", Assert.IsType<UnixDomainSocketEndPoint>(Assert.Single(unix.EndPoints)).ToString());
    }

    [Theory]
    [InlineData("redis-host:6379", "scheme redis-host is not redis, rediss or unix")]
    [InlineData("tcp://127.0.0.1:6379", "scheme tcp is not redis, rediss or unix")]
    [InlineData("unix://", "names no socket path")]
    [InlineData("no address", "not a backplane address")]
    [InlineData("redis://127.0.0.1:6379?nonsense=1", "option nonsense=1 is not one the backplane passes on")]
    public void ABadAddressIsAOneLineFormatException(string text, string says)
    {
        var e = Assert.Throws<FormatException>(() => RedisBackplaneUri.Parse(text));
        Assert.Contains(says, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnEnvelopeCarriesServerEpochSequenceTargetAndTheLineUnchanged()
    {
        var line = Encoding.UTF8.GetBytes("<bøb> hi\r\n");
        var sent = new BackplaneEnvelope(EnvelopeKind.Room, "server-1", 1234567890123, 42, "lobby", line);
        Assert.True(BackplaneEnvelope.TryDecode(sent.Encode(), out var got));
        Assert.Equal((sent.Kind, sent.Server, sent.Epoch, sent.Sequence, sent.Target), (got.Kind, got.Server, got.Epoch, got.Sequence, got.Target));
        Assert.Equal(line, got.Line.ToArray());
        Assert.False(BackplaneEnvelope.TryDecode(Encoding.UTF8.GetBytes("hello"), out _));
        Assert.False(BackplaneEnvelope.TryDecode(sent.Encode().AsMemory(0, 20), out _));
    }

    [Fact]
    public void AJumpInASendersSequenceIsCountedOnceAndANewEpochStartsAfresh()
    {
        var tracker = new SequenceTracker();
        Assert.Equal(0, tracker.Observe("lobby", "a", 1, 7)); // first sight: no history, no gap
        Assert.Equal(0, tracker.Observe("lobby", "a", 1, 8));
        Assert.Equal(3, tracker.Observe("lobby", "a", 1, 12));
        Assert.Equal(0, tracker.Observe("lobby", "b", 1, 100)); // per sender
        Assert.Equal(0, tracker.Observe("lobby", "a", 2, 1)); // restarted
        tracker.Forget("lobby");
        Assert.Equal(0, tracker.Observe("lobby", "a", 2, 50)); // unsubscribed meanwhile: not a gap
    }

    [Fact]
    public void ASyncCountsWhatNeverArrivedBeforeItOnceAndTheNextLineDoesNotCountItAgain()
    {
        var tracker = new SequenceTracker();
        Assert.Equal(0, tracker.Synced("lobby", "a", 1, 9)); // first sight: where counting starts
        Assert.Equal(0, tracker.Observe("lobby", "a", 1, 10));
        Assert.Equal(0, tracker.Synced("lobby", "a", 1, 10)); // all there
        Assert.Equal(3, tracker.Synced("lobby", "a", 1, 13)); // 11..13 were sent before it and never came
        Assert.Equal(0, tracker.Synced("lobby", "a", 1, 13)); // told once
        Assert.Equal(0, tracker.Observe("lobby", "a", 1, 14)); // the next line: no second report
        Assert.Equal(0, tracker.Synced("lobby", "a", 1, 12)); // an older word changes nothing
        Assert.Equal(0, tracker.Synced("lobby", "a", 2, 5)); // another run starts afresh
        Assert.Equal(0, tracker.Observe("lobby", "a", 2, 6));
        var sync = new BackplaneEnvelope(EnvelopeKind.Sync, "a", 2, 6, "lobby", default);
        Assert.True(BackplaneEnvelope.TryDecode(sync.Encode(), out var decoded));
        Assert.Equal((EnvelopeKind.Sync, 6L, 0), (decoded.Kind, decoded.Sequence, decoded.Line.Length));
    }
}
