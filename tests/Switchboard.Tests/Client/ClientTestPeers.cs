using System.Net;
using System.Net.Sockets;

namespace Switchboard.Tests.Client;

/// <summary>Real sockets in the states the failure tests need: a closed port, a listener that never answers.</summary>
public static class ClientTestPeers
{
    /// <summary>A loopback port nothing listens on: bound to port 0, read back, and closed again.</summary>
    public static int FreePort(AddressFamily family = AddressFamily.InterNetwork, SocketType type = SocketType.Stream)
    {
        using var socket = new Socket(family, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// A TCP listener whose accept queue is full: backlog 0, never accepting, with fillers connected until one of
    /// them gets no answer. The kernel then drops further SYNs, so a connect to it can only time out.
    /// </summary>
    public static async Task<(Socket Listener, List<Socket> Fillers)> FullBacklogAsync()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var fillers = new List<Socket>();
        for (var i = 0; i < 64; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            fillers.Add(filler);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1)); // loopback answers in microseconds; 1 s is no answer
            try
            {
                await filler.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return (listener, fillers);
            }
        }

        throw new InvalidOperationException("the listener's backlog never filled up");
    }
}
