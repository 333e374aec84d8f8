using System.Text.RegularExpressions;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>The blocking and timestamp TCP samples, each server against its own client.</summary>
public sealed class TcpSampleTests
{
    public static string TimestampPattern(string text) =>
        @"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] " + Regex.Escape(text) + "$";

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheBlockingClientGetsItsMessageBackFromTheBlockingServerWhichThenExits()
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.BlockingTcpServer");
        await using var _ = server;
        var (host, port) = Split(address);

        var (code, output, error) = await SampleProcess.RunAsync("Samples.BlockingTcpClient", "", host, port, "Hello, sockets");
        Assert.True(code == 0, error);
        Assert.Equal("Received Hello, sockets", output);

        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(server.StandardOutputLines, l => l.StartsWith("Connected by 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheTimestampClientPrintsEachLineStampedByTheTimestampServer()
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.TimestampTcpServer");
        await using var _ = server;
        var (host, port) = Split(address);

        var (code, output, error) = await SampleProcess.RunAsync("Samples.TimestampTcpClient", "hello\nsecond line\n", host, port);
        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(TimestampPattern("hello"), lines[0]);
        Assert.Matches(TimestampPattern("second line"), lines[1]);

        // The server serves clients one after another, forever.
        var again = await SampleProcess.RunAsync("Samples.TimestampTcpClient", "again\n", host, port);
        Assert.Matches(TimestampPattern("again"), again.Output);
    }

    public static (string Host, string Port) Split(string address)
    {
        var colon = address.LastIndexOf(':');
        return (address[..colon], address[(colon + 1)..]);
    }
}
