using Switchboard.Cli.Parsing;
using Switchboard.Cli.Relay;
using Switchboard.Cli.Scan;
using Switchboard.Options;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>The pure parts of the netcat forms: targets, port ranges, CRLF line endings, range checks.</summary>
public sealed class NetcatPartsTests
{
    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(false, false, "tcp://127.0.0.1:7", "tcp://127.0.0.1:7")]
    [InlineData(false, false, "localhost 7007", "tcp://localhost:7007")]
    [InlineData(false, false, "::1 7007", "tcp://[::1]:7007")]
    [InlineData(true, false, "127.0.0.1 53", "udp://127.0.0.1:53")]
    [InlineData(false, true, "/tmp/x.sock", "unix:///tmp/x.sock")]
    [InlineData(true, true, "/tmp/x.sock", "unixgram:///tmp/x.sock")]
    [InlineData(false, true, "@name", "unix://@name")]
    public void ConnectTakesAUriOrNetcatsForms(bool udp, bool unix, string typed, string expected)
    {
        var endpoint = NetcatTarget.ForConnect(typed.Split(' '), new NetcatTarget.Flags(udp, unix));
        Assert.Equal(expected, endpoint.ToString());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(null, "9000", "tcp://127.0.0.1:9000")]
    [InlineData(null, "0.0.0.0 9000", "tcp://0.0.0.0:9000")]
    [InlineData("9000", "", "tcp://127.0.0.1:9000")]
    [InlineData("9000", "::", "tcp://[::]:9000")]
    public void ListenTakesAPortAHostAndPortOrDashP(string? port, string typed, string expected)
    {
        var tokens = typed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, NetcatTarget.ForListen(tokens, default, port).ToString());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("127.0.0.1 http")]
    [InlineData("127.0.0.1 65536")]
    [InlineData("127.0.0.1 -1")]
    [InlineData("a b c")]
    public void ConnectRefusesWhatIsNeitherUriNorHostPort(string typed)
    {
        Assert.Throws<UsageException>(() => NetcatTarget.ForConnect(typed.Split(' '), default));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void DashUContradictingATcpUriIsAUsageError()
    {
        Assert.Throws<UsageException>(() => NetcatTarget.ForConnect(["tcp://127.0.0.1:7"], new NetcatTarget.Flags(true, false)));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ScanPortsAreSinglePortsAndInclusiveRanges()
    {
        Assert.Equal([22, 80, 81, 82], PortScan.ParsePorts(["22", "80-82"]));
        Assert.Throws<UsageException>(() => PortScan.ParsePorts(["30-20"]));
        Assert.Throws<UsageException>(() => PortScan.ParsePorts(["0"]));
        Assert.Throws<UsageException>(() => PortScan.ParsePorts(["1-70000"]));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void CrlfMakesEveryBareLineFeedACrLfEvenAcrossReads()
    {
        var lastWasCr = false;
        var first = CrlfStdinSource.ToCrlf("a\nb\r"u8.ToArray(), ref lastWasCr);
        var second = CrlfStdinSource.ToCrlf("\nc\n\n"u8.ToArray(), ref lastWasCr);

        Assert.Equal("a\r\nb\r"u8.ToArray(), first);
        Assert.Equal("\nc\r\n\r\n"u8.ToArray(), second);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("1193h", true)]
    [InlineData("1194h", false)]
    [InlineData("NaN", false)]
    [InlineData("-1", false)]
    [InlineData("0", true)]
    public void DurationsEndAtTheLongestTheRuntimesTimersWait(string text, bool accepted)
    {
        if (accepted)
        {
            Assert.True(OptionValues.Duration(text, "--drain") <= OptionLimits.LongestDuration);
        }
        else
        {
            var error = Assert.ThrowsAny<Exception>(() => OptionValues.Duration(text, "--drain"));
            Assert.True(error is UsageException or OptionOutOfRangeException, error.GetType().Name);
            Assert.StartsWith("--drain", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void CountsAreCheckedAgainstTheirRange()
    {
        Assert.Equal(5, OptionValues.Positive(5, "--members"));
        Assert.Equal("--members must be a positive number, not 0", Assert.Throws<OptionOutOfRangeException>(() => OptionValues.Positive(0, "--members")).Message);
        Assert.Equal("--members must be at most 1,048,576, not 2,147,483,647", Assert.Throws<OptionOutOfRangeException>(() => OptionValues.Positive(int.MaxValue, "--members")).Message);
    }
}
