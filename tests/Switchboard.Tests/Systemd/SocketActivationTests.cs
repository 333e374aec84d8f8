using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Systemd;

/// <summary>
/// <c>switchboard serve --listen fd://N | systemd:NAME | systemd:</c> under systemd-socket-activate: the sockets the
/// activator bound are served, their kind and address read from the descriptors.
/// </summary>
public sealed class SocketActivationTests : IDisposable
{
    private const int OCloexec = 0x80000; // 02000000 in /proc/PID/fdinfo's octal "flags"

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ATcpStreamSocketPassedAsDescriptorThreeIsServedAndMadeCloseOnExec()
    {
        var port = ActivatedTool.FreePort(SocketType.Stream);
        await using var tool = await ActivatedTool.StartAsync(1, ["-l", $"127.0.0.1:{port}"], "echo", "--listen", "fd://3");

        // The first connection is what makes the activator start the tool; it waits in the backlog meanwhile.
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("activated\n"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal("activated\n", await ReadAsync(stream, 10));

        Assert.Equal($"listening on tcp://127.0.0.1:{port} (fd 3)", await tool.ListeningLineAsync("tcp://"));
        var flags = File.ReadAllLines($"/proc/{tool.Id}/fdinfo/3").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        Assert.NotEqual(0, Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & OCloexec);

        tool.Signal(15);
        Assert.Equal(0, await tool.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AUdpDatagramSocketIsServedAndItsFirstDatagramAnswered()
    {
        var port = ActivatedTool.FreePort(SocketType.Dgram);
        await using var tool = await ActivatedTool.StartAsync(1, ["--datagram", "-l", $"127.0.0.1:{port}"], "echo", "--listen", "systemd:");

        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(IPAddress.Loopback, port);
        await client.SendAsync("first datagram"u8.ToArray(), TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource(TestTimeouts.Io * 3);
        var reply = await client.ReceiveAsync(cts.Token);
        Assert.Equal("first datagram", Encoding.ASCII.GetString(reply.Buffer));
        Assert.Equal($"listening on udp://127.0.0.1:{port} (fd 3)", await tool.ListeningLineAsync("udp://"));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AUnixSocketIsPickedByItsNameAndItsFileLeftToTheManager()
    {
        var port = ActivatedTool.FreePort(SocketType.Stream);
        var path = _dir.File("echo.sock");
        await using var tool = await ActivatedTool.StartAsync(
            2, ["-l", $"127.0.0.1:{port}", "-l", path, "--fdname=web:local"], "echo", "--listen", "systemd:local");

        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path), TestContext.Current.CancellationToken);
        await using var stream = new NetworkStream(client);
        await stream.WriteAsync("over unix\n"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal("over unix\n", await ReadAsync(stream, 10));

        Assert.Equal($"listening on unix://{path} (fd 4)", await tool.ListeningLineAsync("unix://"));
        Assert.DoesNotContain(tool.StandardOutputLines, l => l.Contains("tcp://", StringComparison.Ordinal)); // "web" was not asked for
        tool.Signal(15);
        Assert.Equal(0, await tool.WaitForExitAsync(TestTimeouts.Io * 2));
        Assert.True(File.Exists(path), "the socket file is systemd's: the tool must not remove it");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ANameNotPassedExitsWithOneLineListingTheNamesThatWere()
    {
        var port = ActivatedTool.FreePort(SocketType.Stream);
        await using var tool = await ActivatedTool.StartAsync(1, ["-l", $"127.0.0.1:{port}", "--fdname=web"], "echo", "--listen", "systemd:chat");

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        Assert.Equal(1, await tool.WaitForExitAsync(TestTimeouts.Io * 3));
        var errors = tool.StandardError.Split('\n').Where(l => l.StartsWith("switchboard:", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(errors);
        Assert.Contains("systemd:chat", line, StringComparison.Ordinal);
        Assert.Contains("names passed: web", line, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeTellsTheManagerReadyWatchdogAndStoppingOverNotifySocket()
    {
        var notifyPath = _dir.File("notify");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(notifyPath));
        var port = ActivatedTool.FreePort(SocketType.Stream);
        await using var tool = await ActivatedTool.StartAsync(
            1, ["-l", $"127.0.0.1:{port}", "-E", $"NOTIFY_SOCKET={notifyPath}", "-E", "WATCHDOG_USEC=400000"], "echo", "--listen", "fd://3");
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);

        var ready = await ReceiveAsync(manager);
        Assert.StartsWith("READY=1\n", ready, StringComparison.Ordinal);
        Assert.Contains("STATUS=serving echo on 1 listener", ready, StringComparison.Ordinal);
        // Half of 400 ms: two pings arrive well within the wait.
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(manager));
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(manager));

        tool.Signal(15);
        string message;
        do
        {
            message = await ReceiveAsync(manager);
        }
        while (message == "WATCHDOG=1");

        Assert.Equal("STOPPING=1", message);
        Assert.Equal(0, await tool.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TestTimeouts.Io * 3);
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        using var cts = new CancellationTokenSource(TestTimeouts.Io * 3);
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return Encoding.ASCII.GetString(buffer);
    }
}
