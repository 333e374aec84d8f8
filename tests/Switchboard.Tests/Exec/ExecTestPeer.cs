using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Switchboard.Serving;

namespace Switchboard.Tests.Exec;

/// <summary>A plain socket client for the exec tests: connect, send, half-close, read to the end.</summary>
internal static class ExecTestPeer
{
    public static async Task<Socket> ConnectAsync(Server server, int listener = 0)
    {
        var endpoint = server.Listeners[listener].Endpoint;
        var target = await endpoint.ToEndPointAsync(CancellationToken.None);
        var socket = target is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target);
        return socket;
    }

    /// <summary>Sends <paramref name="data"/> while reading (so neither side stalls on a full buffer), half-closes, reads to EOF.</summary>
    public static async Task<byte[]> ExchangeAsync(Socket socket, byte[] data, bool halfClose = true)
    {
        var reading = ReadToEndAsync(socket);
        for (var offset = 0; offset < data.Length;)
        {
            offset += await socket.SendAsync(data.AsMemory(offset, Math.Min(64 * 1024, data.Length - offset)), SocketFlags.None);
        }

        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return await reading.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, n);
        }
    }

    public static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    public static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

    public static IPEndPoint Tcp(Server server) => (IPEndPoint)server.Listeners[0].Endpoint.ToEndPointAsync(CancellationToken.None).AsTask().Result;
}
