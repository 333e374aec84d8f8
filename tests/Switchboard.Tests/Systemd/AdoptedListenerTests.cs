using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Systemd;
using Switchboard.Tests.Support;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Systemd;

/// <summary>
/// The library side of socket activation in-process: <see cref="ListenerFactory.Adopt"/> over descriptors made
/// here (a duplicate of a socket the test bound, so the descriptor number is one only the server owns).
/// </summary>
public sealed partial class AdoptedListenerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AServerAdoptsAListeningTcpSocketByNumberAndServesIt(ConcurrencyModel model)
    {
        var fd = DuplicateOf(BoundSocket(AddressFamily.InterNetwork, SocketType.Stream, new IPEndPoint(IPAddress.Loopback, 0), out var local, listen: true));
        await using var server = TestServer.Start(new EchoService(), model, [], o => o.InheritedListeners.Add(ActivationUri.Parse($"fd://{fd}")));

        var listener = Assert.Single(server.Listeners);
        Assert.Equal(fd, listener.Descriptor);
        Assert.Equal(TransportKind.Tcp, listener.Kind);
        Assert.Equal($"tcp://{local}", listener.Endpoint.ToString());
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)local, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("adopted\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var reply = new byte[8];
        await stream.ReadExactlyAsync(reply, TestContext.Current.CancellationToken);
        Assert.Equal("adopted\n", Encoding.ASCII.GetString(reply));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AUnixDatagramSocketIsReadAsUnixgramAndItsFileKeptOnStop()
    {
        var path = _dir.File("dgram.sock");
        // Bound without .NET's Bind, which would unlink the file when the test's own socket is disposed.
        var fd = DuplicateOf(UnixPathSocket.Bind(SocketType.Dgram, path));
        var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, [], o => o.InheritedListeners.Add(ActivationUri.ForDescriptor(fd)));
        var listener = Assert.Single(server.Listeners);
        Assert.Equal(TransportKind.UnixDatagram, listener.Kind);
        Assert.Equal($"unixgram://{path}", listener.Endpoint.ToString());

        using var client = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        client.Bind(new UnixDomainSocketEndPoint(_dir.File("client.sock")));
        await client.SendToAsync("dgram"u8.ToArray(), new UnixDomainSocketEndPoint(path), TestContext.Current.CancellationToken);
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(TestTimeouts.Io);
        var n = await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        Assert.Equal("dgram", Encoding.ASCII.GetString(buffer, 0, n));

        await server.DisposeAsync();
        Assert.True(File.Exists(path), "an adopted socket's file is its creator's");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ADescriptorThatIsNotASocketIsRefusedAndLeftOpen()
    {
        using var file = File.Open(_dir.File("plain"), FileMode.Create);
        var fd = (int)file.SafeFileHandle.DangerousGetHandle();
        var e = Assert.Throws<ListenerBindException>(() => ListenerFactory.Adopt(fd, new TransportOptions()));
        Assert.Equal($"cannot listen on fd://{fd}: it is not a socket", e.Message);
        file.WriteByte(1); // still ours, still open
        file.Flush();
        Assert.Equal(1, file.Length);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AConnectedStreamSocketIsRefusedAsNotListening()
    {
        using var peer = BoundSocket(AddressFamily.InterNetwork, SocketType.Stream, new IPEndPoint(IPAddress.Loopback, 0), out var local, listen: true);
        using var connected = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await connected.ConnectAsync(local, TestContext.Current.CancellationToken);
        var e = Assert.Throws<ListenerBindException>(() => ListenerFactory.Adopt((int)connected.Handle, new TransportOptions()));
        Assert.Contains("not listening", e.Message, StringComparison.Ordinal);
        Assert.Contains("Accept=no", e.Message, StringComparison.Ordinal);
        Assert.True(connected.Connected); // left as it was
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ADescriptorNotOpenIsOneLine()
    {
        var e = Assert.Throws<ListenerBindException>(() => ListenerFactory.Adopt(1_000_000, new TransportOptions()));
        Assert.Equal("cannot listen on fd://1000000: it is not open in this process", e.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheEnvironmentIsParsedAsSdListenFdsDoes()
    {
        Assert.Empty(SocketActivation.Parse("4242", "2", "a:b", processId: 1)); // for another process
        Assert.Empty(SocketActivation.Parse(null, "2", null, processId: 1));
        Assert.Equal(
            [new PassedDescriptor(3, "web"), new PassedDescriptor(4, "local")],
            SocketActivation.Parse("1", "2", "web:local", processId: 1));
        Assert.Equal(
            [new PassedDescriptor(3, "unknown"), new PassedDescriptor(4, "unknown")],
            SocketActivation.Parse("1", "2", "only-one", processId: 1));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ASystemdNameResolvesToItsDescriptorsOrToOneLine()
    {
        PassedDescriptor[] passed = [new(3, "web"), new(4, "local"), new(5, "web")];
        Assert.Equal([3, 5], SocketActivation.Resolve(ActivationUri.Parse("systemd:web"), passed));
        Assert.Equal([3, 4, 5], SocketActivation.Resolve(ActivationUri.Parse("systemd:"), passed));
        Assert.Equal([7], SocketActivation.Resolve(ActivationUri.Parse("fd://7"), passed));
        var e = Assert.Throws<ListenerBindException>(() => SocketActivation.Resolve(ActivationUri.Parse("systemd:chat"), passed));
        Assert.Equal("cannot listen on systemd:chat: systemd passed no descriptor named 'chat' (names passed: web, local)", e.Message);
        e = Assert.Throws<ListenerBindException>(() => SocketActivation.Resolve(ActivationUri.Parse("systemd:"), []));
        Assert.Contains("systemd passed no descriptors", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TakingTheEnvironmentUnsetsItsThreeVariables()
    {
        // LISTEN_PID names another process, so no descriptor of this test process is touched; the variables go anyway.
        Environment.SetEnvironmentVariable("LISTEN_PID", "1");
        Environment.SetEnvironmentVariable("LISTEN_FDS", "1");
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", "web");
        Assert.Empty(SocketActivation.TakeFromEnvironment());
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_PID"));
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_FDS"));
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_FDNAMES"));
    }

    private static Socket BoundSocket(AddressFamily family, SocketType type, EndPoint at, out EndPoint local, bool listen)
    {
        var socket = new Socket(family, type, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        socket.Bind(at);
        if (listen)
        {
            socket.Listen();
        }

        local = socket.LocalEndPoint!;
        return socket;
    }

    /// <summary>A new descriptor for the socket, which the test then lets go: the server owns the duplicate alone.</summary>
    private static int DuplicateOf(Socket socket)
    {
        using (socket)
        {
            var fd = dup((int)socket.Handle);
            Assert.True(fd > 2, $"dup failed: errno {Marshal.GetLastPInvokeError()}");
            return fd;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);
}
