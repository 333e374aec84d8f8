using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

public sealed class SourceAddressParserTests
{
    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("127.0.0.1", "127.0.0.1:0")]
    [InlineData("127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData(":5000", "0.0.0.0:5000")]
    [InlineData("[::1]:5000", "[::1]:5000")]
    [InlineData("[::1]", "[::1]:0")]
    [InlineData("::1", "[::1]:0")]
    public void ParsesAnAddressWithAnOptionalPort(string text, string expected)
    {
        Assert.Equal(IPEndPoint.Parse(expected), SourceAddressParser.Parse(text, TransportKind.Tcp));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AUnixSourceIsAnAbsolutePath()
    {
        var source = Assert.IsType<UnixDomainSocketEndPoint>(SourceAddressParser.Parse("/tmp/me.sock", TransportKind.UnixDatagram));
        Assert.Equal("/tmp/me.sock", source.ToString());
        Assert.Throws<UsageException>(() => SourceAddressParser.Parse("me.sock", TransportKind.Unix));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("somewhere")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:x")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    public void RejectsWhatIsNotAnAddress(string text)
    {
        var e = Assert.Throws<UsageException>(() => SourceAddressParser.Parse(text, TransportKind.Udp));
        Assert.StartsWith("--source: ", e.Message, StringComparison.Ordinal);
    }
}
