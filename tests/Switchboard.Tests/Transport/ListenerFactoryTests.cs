using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>Binding: a port or path held by someone else is an error that names the endpoint.</summary>
public sealed class ListenerFactoryTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ASecondTcpListenerOnAPortWeHoldIsRefused()
    {
        // .NET's ReuseAddress also sets SO_REUSEPORT on Linux, which would let two servers share one port silently.
        using var first = ListenerFactory.Bind(EndpointUri.Parse("tcp://127.0.0.1:0"), new TransportOptions());
        var port = first.Endpoint.Port;
        var error = Assert.Throws<ListenerBindException>(() => ListenerFactory.Bind(EndpointUri.Parse($"tcp://127.0.0.1:{port}"), new TransportOptions()));
        Assert.Contains($"tcp://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("address already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void BindingAHostNameIsRefusedWithoutADnsLookup()
    {
        var error = Assert.Throws<ListenerBindException>(() => ListenerFactory.Bind(EndpointUri.Parse("tcp://no-such-host.invalid:0"), new TransportOptions()));
        Assert.StartsWith("cannot listen on tcp://no-such-host.invalid:0: 'no-such-host.invalid' is a host name", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void LocalhostStillBindsTheLoopbackAddress()
    {
        using var listener = ListenerFactory.Bind(EndpointUri.Parse("tcp://localhost:0"), new TransportOptions());
        Assert.Equal("127.0.0.1", listener.Endpoint.Host);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ATcpListenerOnAPortAnotherProgramHoldsIsRefused()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen();
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;
        var error = Assert.Throws<ListenerBindException>(() => ListenerFactory.Bind(EndpointUri.Parse($"tcp://127.0.0.1:{port}"), new TransportOptions()));
        Assert.Contains("address already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ASecondUdpListenerOnAPortWeHoldIsRefused()
    {
        using var first = ListenerFactory.Bind(EndpointUri.Parse("udp://127.0.0.1:0"), new TransportOptions());
        var port = first.Endpoint.Port;
        var error = Assert.Throws<ListenerBindException>(() => ListenerFactory.Bind(EndpointUri.Parse($"udp://127.0.0.1:{port}"), new TransportOptions()));
        Assert.Contains($"udp://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ATcpListenerCanBeReboundWhileAnOldConnectionSitsInTimeWait()
    {
        var endpoint = EndpointUri.Parse("tcp://127.0.0.1:0");
        int port;
        using (var first = ListenerFactory.Bind(endpoint, new TransportOptions()))
        {
            port = first.Endpoint.Port;
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            using var accepted = first.Socket.Accept();
            accepted.Shutdown(SocketShutdown.Both); // the server closes first: its side goes to TIME_WAIT
            accepted.Close();
            client.Close();
        }

        using var again = ListenerFactory.Bind(EndpointUri.Parse($"tcp://127.0.0.1:{port}"), new TransportOptions());
        Assert.Equal(port, again.Endpoint.Port);
    }
}
