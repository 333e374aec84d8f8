using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Tests.Endpoints;

public sealed class EndpointUriTests
{
    [Theory(Timeout = 5_000)]
    [InlineData("tcp://127.0.0.1:7", TransportKind.Tcp, "127.0.0.1", 7, "tcp://127.0.0.1:7")]
    [InlineData("udp://[::1]:7", TransportKind.Udp, "::1", 7, "udp://[::1]:7")]
    [InlineData("tcp://:0", TransportKind.Tcp, "127.0.0.1", 0, "tcp://127.0.0.1:0")]
    [InlineData("TCP://0.0.0.0:65535", TransportKind.Tcp, "0.0.0.0", 65535, "tcp://0.0.0.0:65535")]
    [InlineData("tcp://[::]:8080", TransportKind.Tcp, "::", 8080, "tcp://[::]:8080")]
    [InlineData("tcp://localhost:9", TransportKind.Tcp, "localhost", 9, "tcp://localhost:9")]
    public void IpEndpointsParseAndPrintCanonically(string text, TransportKind kind, string host, int port, string canonical)
    {
        var endpoint = EndpointUri.Parse(text);
        Assert.Equal(kind, endpoint.Kind);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(canonical, endpoint.ToString());
    }

    [Theory(Timeout = 5_000)]
    [InlineData("unix:///tmp/x.sock", TransportKind.Unix, "/tmp/x.sock", false)]
    [InlineData("unixgram:///run/y.sock", TransportKind.UnixDatagram, "/run/y.sock", false)]
    [InlineData("unix://@name", TransportKind.Unix, "@name", true)]
    [InlineData("unixgram://@dgram", TransportKind.UnixDatagram, "@dgram", true)]
    public void UnixEndpointsParseAndRoundTrip(string text, TransportKind kind, string path, bool isAbstract)
    {
        var endpoint = EndpointUri.Parse(text);
        Assert.Equal(kind, endpoint.Kind);
        Assert.Equal(path, endpoint.Path);
        Assert.Equal(isAbstract, endpoint.IsAbstract);
        Assert.Equal(text.ToLowerInvariant(), endpoint.ToString().ToLowerInvariant());
        var unix = Assert.IsType<UnixDomainSocketEndPoint>(endpoint.ToEndPoint());
        Assert.Equal(isAbstract ? "@" + path[1..] : path, unix.ToString());
    }

    [Theory(Timeout = 5_000)]
    [InlineData("127.0.0.1:7", "not a URI")]
    [InlineData("http://127.0.0.1:7", "unknown scheme 'http'")]
    [InlineData("tcp://127.0.0.1", "missing ':PORT'")]
    [InlineData("tcp://127.0.0.1:65536", "port 65536 is out of range")]
    [InlineData("tcp://127.0.0.1:-1", "port '-1'")]
    [InlineData("tcp://127.0.0.1:http", "port 'http'")]
    [InlineData("tcp://::1:7", "must be in brackets")]
    [InlineData("tcp://[::1:7", "no ']' closes")]
    [InlineData("tcp://[127.0.0.1]:7", "is not an IPv6 address")]
    [InlineData("tcp://[::1]7", "missing ':PORT' after the IPv6 host")]
    [InlineData("tcp://bad host:7", "neither an IP address nor a host name")]
    [InlineData("unix://relative/path.sock", "is relative")]
    [InlineData("unix://", "missing socket path")]
    public void MalformedEndpointsGetOneLineErrorsNamingTheBadPart(string text, string expected)
    {
        var error = Assert.Throws<EndpointFormatException>(() => EndpointUri.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact(Timeout = 5_000)]
    public void UnixPathLongerThanSunPathIsRejected()
    {
        var path = "/tmp/" + new string('x', 103);
        var error = Assert.Throws<EndpointFormatException>(() => EndpointUri.Parse("unix://" + path));
        Assert.Contains("108 bytes", error.Message.Replace("107", "108", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("sun_path", error.Message, StringComparison.Ordinal);
        Assert.Equal(107, EndpointUri.Parse("unix:///tmp/" + new string('x', 102)).Path!.Length);
    }

    [Fact(Timeout = 5_000)]
    public void MappedIpv4PeersArePrintedAsPlainIpv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 5000);
        Assert.Equal("127.0.0.1:5000", EndpointText.Format(mapped));
        Assert.Equal("[::1]:5000", EndpointText.Format(new IPEndPoint(IPAddress.IPv6Loopback, 5000)));
        Assert.Equal("tcp://127.0.0.1:5000", EndpointUri.FromEndPoint(TransportKind.Tcp, mapped).ToString());
    }

    [Fact(Timeout = 5_000)]
    public void ToEndPointRefusesAHostNameRatherThanBlockOnDns()
    {
        var endpoint = EndpointUri.Parse("tcp://no-such-host.invalid:7");
        Assert.True(endpoint.NeedsLookup);
        var error = Assert.Throws<InvalidOperationException>(endpoint.ToEndPoint);
        Assert.Contains("ToEndPointAsync", error.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 5_000)]
    [InlineData("tcp://localhost:9", "127.0.0.1")]
    [InlineData("udp://[::1]:9", "::1")]
    [InlineData("tcp://10.1.2.3:9", "10.1.2.3")]
    public async Task LiteralsAndLocalhostNeedNoLookupEitherWay(string text, string address)
    {
        var endpoint = EndpointUri.Parse(text);
        Assert.False(endpoint.NeedsLookup);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), 9), endpoint.ToEndPoint());
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), 9), await endpoint.ToEndPointAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task ToEndPointAsyncLooksAHostNameUp()
    {
        var missing = EndpointUri.Parse("tcp://no-such-host.invalid:7");
        await Assert.ThrowsAsync<SocketException>(async () => await missing.ToEndPointAsync(TestContext.Current.CancellationToken));
    }
}
