using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>Socket options of <see cref="TransportOptions"/> reach the listener and the accepted sockets.</summary>
public sealed class SocketOptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(true, false, 65536)]
    [InlineData(false, true, 32768)]
    public async Task NoDelayKeepAliveAndBufferSizesAreSetOnAcceptedSockets(bool noDelay, bool keepAlive, int receiveBuffer)
    {
        var seen = new TaskCompletionSource<(bool NoDelay, bool KeepAlive, int ReceiveBuffer)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = TestServer.Start(new OptionSpy(seen), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.Transport.NoDelay = noDelay;
            o.Transport.KeepAlive = keepAlive;
            o.Transport.ReceiveBufferSize = receiveBuffer;
        });
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var (actualNoDelay, actualKeepAlive, actualReceiveBuffer) = await seen.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal(noDelay, actualNoDelay);
        Assert.Equal(keepAlive, actualKeepAlive);
        Assert.True(actualReceiveBuffer >= receiveBuffer, $"SO_RCVBUF {actualReceiveBuffer} < {receiveBuffer}"); // Linux doubles it
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheBacklogIsTheListenersAndReuseAddressCanBeTurnedOff()
    {
        using var listener = ListenerFactory.Bind(EndpointUri.Parse("tcp://127.0.0.1:0"), new TransportOptions { ReuseAddress = false, Backlog = 3 });
        Assert.Equal(0, RawOption(listener.Socket, SoReuseAddr));
        using var reusing = ListenerFactory.Bind(EndpointUri.Parse("tcp://127.0.0.1:0"), new TransportOptions());
        Assert.NotEqual(0, RawOption(reusing.Socket, SoReuseAddr));
        Assert.Equal(0, RawOption(reusing.Socket, SoReusePort)); // never: a second server could share the port
    }

    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    private static int RawOption(Socket socket, int name)
    {
        var value = new byte[4];
        socket.GetRawSocketOption(SolSocket, name, value);
        return BitConverter.ToInt32(value);
    }

    /// <summary>Reports the options of the socket it is handed, then ends.</summary>
    private sealed class OptionSpy(TaskCompletionSource<(bool, bool, int)> seen) : IStreamHandler
    {
        public ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var socket = connection.IO.Socket;
            var keepAlive = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
            seen.TrySetResult((socket.NoDelay, keepAlive, socket.ReceiveBufferSize));
            return ValueTask.CompletedTask;
        }
    }
}
