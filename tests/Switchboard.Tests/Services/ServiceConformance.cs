using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Cli.Commands;
using Switchboard.Endpoints;
using Switchboard.Hosting;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Services;

/// <summary>
/// Every classic service over every transport it applies to, on real sockets. Each concurrency model runs the
/// whole suite (the subclasses below), as socketserver's own test runs one check over every server class.
/// </summary>
public abstract partial class ServiceConformance : IDisposable
{
    private readonly TempDirectory _dir = new();

    protected abstract ConcurrencyModel Model { get; }

    public static TheoryData<string> StreamTransports => ["tcp", "tcp6", "unix"];

    public static TheoryData<string> DatagramTransports => ["udp", "udp6", "unixgram"];

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task EchoSendsBackEveryByteThenClosesAfterThePeerHalfCloses(string transport)
    {
        await using var server = StartService("echo", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var message = Encoding.ASCII.GetBytes("hello\r\n").Concat(Enumerable.Range(0, 256).Select(i => (byte)i)).ToArray();
        await client.SendAllAsync(message);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(message, await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task EchoSendsEachDatagramBack(string transport)
    {
        await using var server = StartService("echo", transport);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        foreach (var text in new[] { "one", "two two", new string('x', 1400) })
        {
            Assert.Equal(Encoding.ASCII.GetBytes(text), await client.RequestAsync(Encoding.ASCII.GetBytes(text)));
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task DiscardReadsEverythingAndSendsNothing(string transport)
    {
        await using var server = StartService("discard", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync(new byte[100_000]);
        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task DiscardNeverAnswersADatagram(string transport)
    {
        await using var server = StartService("discard", transport);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        Assert.Null(await client.RequestAsync("anyone there?"u8.ToArray(), TimeSpan.FromMilliseconds(300)));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task ChargenStreamsTheRotatingPatternOfRfc864(string transport)
    {
        await using var server = StartService("chargen", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var received = await client.ReadExactlyAsync(74 * 200);
        for (var line = 0; line < 200; line++)
        {
            var text = received.AsSpan(line * 74, 74);
            Assert.Equal((byte)'\r', text[72]);
            Assert.Equal((byte)'\n', text[73]);
            for (var i = 0; i < 72; i++)
            {
                Assert.Equal((byte)(' ' + ((line + i) % 95)), text[i]);
            }
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task ChargenAnswersEachDatagramWithAtMost512PatternCharacters(string transport)
    {
        await using var server = StartService("chargen", transport);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 0; i < 5; i++)
        {
            var reply = await client.RequestAsync("x"u8.ToArray());
            Assert.NotNull(reply);
            Assert.InRange(reply.Length, 0, 512);
            Assert.Equal(ChargenPattern.Cycle[..reply.Length].ToArray(), reply);
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task DaytimeSendsOneHumanReadableLineThenCloses(string transport)
    {
        await using var server = StartService("daytime", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        AssertDaytime(await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task DaytimeAnswersADatagramWithTheDaytimeLine(string transport)
    {
        await using var server = StartService("daytime", transport);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        AssertDaytime(await client.RequestAsync(Array.Empty<byte>()));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task TimeSendsFourBigEndianBytesOfSecondsSince1900ThenCloses(string transport)
    {
        await using var server = StartService("time", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        AssertTime(await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task TimeAnswersADatagramWithFourBytes(string transport)
    {
        await using var server = StartService("time", transport);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        AssertTime(await client.RequestAsync(Array.Empty<byte>()));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task TimestampPrefixesEachLineAndAnswersAPartialLineAfterAQuietSpell(string transport)
    {
        await using var server = StartService("timestamp", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);

        await client.SendAllAsync("first line\nsecond\r\n"u8.ToArray());
        var lines = Encoding.ASCII.GetString(await ReadUntilAsync(client, "second\r\n"));
        Assert.Matches(TimestampLine("first line\n") + TimestampLine("second\r\n") + "$", lines);

        // The tutorial client sends no newline and waits: the partial line is answered as it stands.
        await client.SendAllAsync("no newline"u8.ToArray());
        var partial = Encoding.ASCII.GetString(await ReadUntilAsync(client, "no newline"));
        Assert.Matches(TimestampLine("no newline") + "$", partial);

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task TimestampAnswersAPartialLineThatFilledTheServersReceiveBuffer(string transport)
    {
        // 4 KiB is the first receive buffer of a connection's input pipe: a read that fills its buffer may have left
        // more behind, so the socket is still taken as maybe readable, and the quiet spell must not end at once.
        await using var server = StartService("timestamp", transport);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var partial = new string('x', 4096);
        await client.SendAllAsync(Encoding.ASCII.GetBytes(partial));
        var answer = Encoding.ASCII.GetString(await ReadUntilAsync(client, partial));
        Assert.Matches(TimestampLine(partial) + "$", answer);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task TimestampPrefixesEachDatagram(string transport)
    {
        await using var server = StartService("timestamp", transport);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        var reply = await client.RequestAsync("hello"u8.ToArray());
        Assert.NotNull(reply);
        Assert.Matches(TimestampLine("hello") + "$", Encoding.ASCII.GetString(reply));
    }

    protected Server StartService(string name, string transport)
    {
        var options = new ServiceOptions { LineFlush = TimeSpan.FromMilliseconds(200) };
        var service = ServiceCatalog.Create(name, options)!;
        var endpoint = transport switch
        {
            "tcp" => TestServer.Ephemeral(TransportKind.Tcp, _dir),
            "tcp6" => TestServer.Ephemeral(TransportKind.Tcp, _dir, ipv6: true),
            "unix" => TestServer.Ephemeral(TransportKind.Unix, _dir),
            "udp" => TestServer.Ephemeral(TransportKind.Udp, _dir),
            "udp6" => TestServer.Ephemeral(TransportKind.Udp, _dir, ipv6: true),
            _ => TestServer.Ephemeral(TransportKind.UnixDatagram, _dir),
        };
        object handler = endpoint.Kind.IsStream() ? service.StreamHandler : service.DatagramHandler!;
        return TestServer.Start(handler, Model, endpoint);
    }

    private static string TimestampLine(string text) =>
        @"\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]: " + Regex.Escape(text);

    private static async Task<byte[]> ReadUntilAsync(Socket client, string ending)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        while (!Encoding.ASCII.GetString([.. received]).EndsWith(ending, StringComparison.Ordinal))
        {
            var n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"the server closed early; got '{Encoding.ASCII.GetString([.. received])}'");
            received.AddRange(buffer[..n]);
        }

        return [.. received];
    }

    private static void AssertDaytime(byte[]? reply)
    {
        Assert.NotNull(reply);
        var text = Encoding.ASCII.GetString(reply);
        var match = DaytimePattern().Match(text);
        Assert.True(match.Success, $"not a daytime line: '{text}'");
        var when = DateTime.ParseExact(match.Groups[1].Value, "dddd, MMMM d, yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange((when - DateTime.UtcNow).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    private static void AssertTime(byte[]? reply)
    {
        Assert.NotNull(reply);
        Assert.Equal(4, reply.Length);
        var seconds = BinaryPrimitives.ReadUInt32BigEndian(reply);
        var expected = (uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + TimeService.SecondsFrom1900To1970);
        Assert.InRange(seconds, expected - 60, expected + 60);
    }

    [GeneratedRegex(@"^(\w+, \w+ \d{1,2}, \d{4} \d\d:\d\d:\d\d)-UTC\r\n$")]
    private static partial Regex DaytimePattern();
}

public sealed class AsyncServiceConformanceTests : ServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Async;
}

public sealed class SequentialServiceConformanceTests : ServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Sequential;
}

public sealed class ThreadsServiceConformanceTests : ServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Threads;
}

public sealed class SelectServiceConformanceTests : ServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Select;
}
