using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Tests.Support;

/// <summary>Raw-socket clients with byte-level control, for talking to servers under test.</summary>
public static class TestClient
{
    /// <summary>Connects a stream socket (tcp or unix) to <paramref name="endpoint"/>.</summary>
    public static async Task<Socket> ConnectAsync(EndpointUri endpoint)
    {
        var target = endpoint.ToEndPoint();
        var socket = endpoint.Kind.IsTcp()
            ? new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        await socket.ConnectAsync(target, timeout.Token);
        return socket;
    }

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> data)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        while (!data.IsEmpty)
        {
            data = data[await socket.SendAsync(data, SocketFlags.None, timeout.Token)..];
        }
    }

    /// <summary>Reads until the peer closes; fails the test if that takes longer than <see cref="TestTimeouts.Io"/>.</summary>
    public static async Task<byte[]> ReadToEndAsync(this Socket socket, int chunk = 4096)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var all = new MemoryStream();
        var buffer = new byte[chunk];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(buffer, 0, n);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails if the peer closes first or time runs out.</summary>
    public static async Task<byte[]> ReadExactlyAsync(this Socket socket, int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var buffer = new byte[count];
        var got = 0;
        while (got < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new EndOfStreamException($"peer closed after {got} of {count} bytes");
            }

            got += n;
        }

        return buffer;
    }

    /// <summary>True if any byte (or end of stream) arrives within <paramref name="wait"/>.</summary>
    public static bool HasInputWithin(this Socket socket, TimeSpan wait) =>
        socket.Poll((int)(wait.TotalMilliseconds * 1000), SelectMode.SelectRead);

    /// <summary>Closes with RST instead of FIN.</summary>
    public static void Reset(this Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }

    /// <summary>
    /// A datagram socket that can get replies: udp bound to loopback port 0, or unixgram bound to its own temp path
    /// (an unbound Unix datagram socket has no address to reply to).
    /// </summary>
    public static Socket DatagramFor(EndpointUri endpoint, TempDirectory dir)
    {
        if (endpoint.Kind == TransportKind.Udp)
        {
            var target = endpoint.ToEndPoint();
            var udp = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
            udp.Connect(target);
            return udp;
        }

        var unix = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        unix.Bind(new UnixDomainSocketEndPoint(dir.File("client-" + Guid.NewGuid().ToString("N")[..8] + ".sock")));
        unix.Connect(endpoint.ToEndPoint());
        return unix;
    }

    /// <summary>Sends one datagram and waits for one reply; null when none comes within <paramref name="wait"/>.</summary>
    public static async Task<byte[]?> RequestAsync(this Socket socket, ReadOnlyMemory<byte> request, TimeSpan? wait = null)
    {
        await socket.SendAsync(request, SocketFlags.None);
        return await socket.ReceiveDatagramAsync(wait ?? TestTimeouts.Io);
    }

    /// <summary>Receives one datagram; null when none comes within <paramref name="wait"/>.</summary>
    public static async Task<byte[]?> ReceiveDatagramAsync(this Socket socket, TimeSpan wait)
    {
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return buffer[..n];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
