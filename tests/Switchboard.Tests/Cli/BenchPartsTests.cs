using System.Net;
using System.Text;
using Switchboard.Cli.Bench;
using Switchboard.Cli.Parsing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>The pure parts of the load generator: chat lines, the echo byte pattern, the loopback rule.</summary>
public sealed class BenchPartsTests
{
    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("")]
    [InlineData("<user5> ")]
    [InlineData("<m12> ")]
    public void AChatLineIsFoundAgainBehindWhateverPrefixTheServerAdds(string prefix)
    {
        var line = new byte[96];
        var length = ChatLine.Format(line, 987, 123456, 9_876_543_210);
        var relayed = Encoding.ASCII.GetBytes(prefix).Concat(line[..length]).ToArray();

        Assert.EndsWith("\r\n", Encoding.ASCII.GetString(relayed));
        Assert.True(ChatLine.TryParse(relayed.AsSpan(0, relayed.Length - 2), out var sender, out var sequence, out var ticks));
        Assert.Equal((987, 123456L, 9_876_543_210L), (sender, sequence, ticks));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("* m5 joined")]
    [InlineData("<m5> sb:1:2")]
    [InlineData("<m5> sb:1:2:x.")]
    [InlineData("<m5> sb:1:2:3")]
    public void LinesThatAreNotSendersLinesAreNotTakenForOnes(string text) =>
        Assert.False(ChatLine.TryParse(Encoding.ASCII.GetBytes(text), out _, out _, out _));

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LatencyIsSampledOnEveryServerOfAClusterAlike(int servers)
    {
        // Members are dealt round-robin (member i on server i % servers): each server gets a tenth of its own sampled,
        // its first member (the probe) among them.
        const int Members = 1000;
        var sampled = Enumerable.Range(0, Members).Where(i => ChatLoad.SamplesLatency(i, servers)).ToList();
        for (var server = 0; server < servers; server++)
        {
            Assert.Contains(server, sampled);
            Assert.Equal(Members / servers / ChatLoad.SampleEvery, sampled.Count(i => i % servers == server), tolerance: 1);
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheEchoPatternTellsAShiftedChunkFromTheRightOne()
    {
        var pattern = new BytePattern(1000);
        var sent = pattern.At(1_000_003, 500).ToArray();

        Assert.True(pattern.At(1_000_003, 500).SequenceEqual(sent));
        Assert.False(pattern.At(1_000_004, 500).SequenceEqual(sent)); // one byte lost
        Assert.False(pattern.At(1_000_003 + 64, 500).SequenceEqual(sent)); // one 64-byte message lost
        Assert.True(sent.All(b => b is >= (byte)'!' and <= (byte)'~'));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("tcp://127.0.0.1:7")]
    [InlineData("tcp://127.3.4.5:7")]
    [InlineData("tcp://[::1]:7")]
    [InlineData("tcp://[::ffff:127.0.0.1]:7")]
    [InlineData("tcp://localhost:7")]
    [InlineData("unix:///tmp/x.sock")]
    public async Task LoopbackAndUnixTargetsNeedNoPermission(string uri) =>
        Assert.NotNull(await BenchTarget.ResolveAsync(uri, allowRemote: false, cancellationToken: TestContext.Current.CancellationToken));

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("tcp://10.0.0.1:7")]
    [InlineData("tcp://[2001:db8::1]:7")]
    [InlineData("tcp://0.0.0.0:7")]
    public async Task AnyOtherAddressIsRefusedUnlessAllowed(string uri)
    {
        var refusal = await Assert.ThrowsAsync<UsageException>(() => BenchTarget.ResolveAsync(uri, allowRemote: false, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("--allow-remote", refusal.Message);
        Assert.IsType<IPEndPoint>((await BenchTarget.ResolveAsync(uri, allowRemote: true, cancellationToken: TestContext.Current.CancellationToken)).EndPoint);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("udp://127.0.0.1:7")]
    [InlineData("tcp://127.0.0.1:0")]
    public async Task DatagramTargetsAndPortZeroAreUsageErrors(string uri) =>
        await Assert.ThrowsAsync<UsageException>(() => BenchTarget.ResolveAsync(uri, allowRemote: false, cancellationToken: TestContext.Current.CancellationToken));
}
