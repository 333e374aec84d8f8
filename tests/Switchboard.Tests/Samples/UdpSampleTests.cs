using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>The UDP timestamp and echo samples, each server against its own client.</summary>
public sealed class UdpSampleTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUdpTimestampClientPrintsEachDatagramStamped()
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.TimestampUdpServer");
        await using var _ = server;
        var (host, port) = TcpSampleTests.Split(address);

        var (code, output, error) = await SampleProcess.RunAsync("Samples.TimestampUdpClient", "one\ntwo\n", host, port);
        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(TcpSampleTests.TimestampPattern("one"), lines[0]);
        Assert.Matches(TcpSampleTests.TimestampPattern("two"), lines[1]);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUdpEchoClientGetsItsDatagramBack()
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.UdpEchoServer");
        await using var _ = server;
        var (host, port) = TcpSampleTests.Split(address);

        var (code, output, error) = await SampleProcess.RunAsync("Samples.UdpEchoClient", "", host, port, "a datagram");
        Assert.True(code == 0, error);
        Assert.Equal("received a datagram", output);
        Assert.NotNull(await server.WaitForLineAsync(l => l.StartsWith("received 10 bytes from 127.0.0.1:", StringComparison.Ordinal)));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUdpEchoClientSaysClearlyWhenNothingListens()
    {
        using var unused = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        unused.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)unused.LocalEndPoint!).Port;
        unused.Close();

        var (code, _, error) = await SampleProcess.RunAsync("Samples.UdpEchoClient", "", "127.0.0.1", port.ToString(), "anyone?");
        Assert.Equal(1, code);
        Assert.Contains("nothing listens on 127.0.0.1:", error);
    }
}
