using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Switchboard.Cli.Commands;
using Switchboard.Endpoints;
using Switchboard.Hosting;
using Switchboard.Security;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Security;

/// <summary>
/// Every stream service over tls:// under every concurrency model, against the runtime's own SslStream as the
/// client: the handler sees the same Connection, with decrypted pipes.
/// </summary>
public abstract class TlsServiceConformance : IDisposable
{
    private readonly X509Certificate2 _certificate = TlsCertificates.CreateSelfSigned();

    protected abstract ConcurrencyModel Model { get; }

    public void Dispose()
    {
        _certificate.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EchoOverTlsSendsBackEveryByteThenClosesAfterTheCloseNotify()
    {
        await using var server = StartService("echo");
        using var client = await Connect(server);
        var message = Encoding.ASCII.GetBytes("hello\r\n").Concat(Enumerable.Range(0, 256).Select(i => (byte)i)).ToArray();
        await client.SendAsync(message);
        await client.HalfCloseAsync();
        Assert.Equal(message, await client.ReadToEndAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EchoOverTlsCarries64KiBReadBackInSmallPieces()
    {
        await using var server = StartService("echo");
        using var client = await Connect(server);
        var message = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).ToArray();
        var sending = client.SendAsync(message);
        var received = new MemoryStream();
        var piece = new byte[1000];
        while (received.Length < message.Length)
        {
            var n = await client.Stream.ReadAsync(piece.AsMemory(0, Random.Shared.Next(1, piece.Length)), TestContext.Current.CancellationToken);
            Assert.True(n > 0, "the server closed early");
            received.Write(piece, 0, n);
        }

        await sending;
        Assert.Equal(message, received.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task DiscardOverTlsReadsEverythingAndSendsNothing()
    {
        await using var server = StartService("discard");
        using var client = await Connect(server);
        await client.SendAsync(new byte[100_000]);
        await client.HalfCloseAsync();
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ChargenOverTlsStreamsThePattern()
    {
        await using var server = StartService("chargen");
        using var client = await Connect(server);
        var received = Encoding.ASCII.GetString(await client.ReadExactlyAsync(74 * 3));
        Assert.Equal(3, received.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith(" !\"#$%&'()*+,-./0123456789", received, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task DaytimeOverTlsSendsOneLineAndACleanEnd()
    {
        await using var server = StartService("daytime");
        using var client = await Connect(server);
        Assert.Matches(@"^\w+, \w+ \d{1,2}, \d{4} \d\d:\d\d:\d\d-UTC\r\n$", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TimeOverTlsSendsFourBytes()
    {
        await using var server = StartService("time");
        using var client = await Connect(server);
        var reply = await client.ReadToEndAsync();
        Assert.Equal(4, reply.Length);
        var expected = (uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + TimeService.SecondsFrom1900To1970);
        Assert.InRange(BinaryPrimitives.ReadUInt32BigEndian(reply), expected - 60, expected + 60);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TimestampOverTlsAnswersLinesAndAPartialLineAfterAQuietSpell()
    {
        // The partial line is found by a timed wait for input: over TLS it is a zero-byte read of the TLS stream.
        await using var server = StartService("timestamp");
        using var client = await Connect(server);
        await client.SendAsync("first\n"u8.ToArray());
        Assert.EndsWith("]: first\n", await ReadUntilAsync(client, "first\n"), StringComparison.Ordinal);
        await client.SendAsync("no newline"u8.ToArray());
        Assert.EndsWith("]: no newline", await ReadUntilAsync(client, "no newline"), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ChatOverTlsGreetsAMemberAndRelaysItsLines()
    {
        await using var server = StartService("chat");
        using var alice = await Connect(server);
        await ReadUntilAsync(alice, "Choose a nick");
        await alice.SendAsync("alice\n"u8.ToArray());
        await ReadUntilAsync(alice, "Hello alice.");
        if (Model == ConcurrencyModel.Sequential)
        {
            // One connection at a time: a second member would wait for the first to leave.
            await alice.SendAsync("/quit\n"u8.ToArray());
            Assert.NotNull(await alice.ReadToEndAsync());
            return;
        }

        using var bob = await Connect(server);
        await ReadUntilAsync(bob, "Choose a nick");
        await bob.SendAsync("bob\n"u8.ToArray());
        await ReadUntilAsync(bob, "Hello bob.");
        await alice.SendAsync("hello over tls\n"u8.ToArray());
        Assert.Contains("hello over tls", await ReadUntilAsync(bob, "hello over tls"), StringComparison.Ordinal);
    }

    private static async Task<string> ReadUntilAsync(TlsTestClient client, string ending)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        while (!received.ToString().Contains(ending, StringComparison.Ordinal))
        {
            var n = await client.Stream.ReadAsync(buffer, timeout.Token);
            Assert.True(n > 0, $"the server closed early; got '{received}'");
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return received.ToString();
    }

    private Task<TlsTestClient> Connect(Server server) => TlsTestClient.ConnectAsync(server.Listeners[0].Endpoint, _certificate);

    private Server StartService(string name)
    {
        var service = ServiceCatalog.Create(name, new ServiceOptions { LineFlush = TimeSpan.FromMilliseconds(200) })!;
        return TestServer.Start(service.StreamHandler, Model, EndpointUri.Parse("tls://127.0.0.1:0"), o => o.Tls = new TlsServerOptions { Certificate = _certificate });
    }
}

public sealed class AsyncTlsServiceConformanceTests : TlsServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Async;
}

public sealed class SequentialTlsServiceConformanceTests : TlsServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Sequential;
}

public sealed class ThreadsTlsServiceConformanceTests : TlsServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Threads;
}

public sealed class SelectTlsServiceConformanceTests : TlsServiceConformance
{
    protected override ConcurrencyModel Model => ConcurrencyModel.Select;
}
