using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Benchmarks;

/// <summary>
/// The event-loop echo path per message (the select model, and the async model's loops on Linux) over a real
/// loopback TCP connection: <see cref="EchoService"/> runs on a <see cref="SelectLoop"/> thread over
/// <see cref="ReadinessSocketIO"/>, with the connection's abort token as the
/// handler's token (as <c>ServerCore</c> passes it). The benchmark is the blocking client. "Allocated" counts
/// every thread, so it is what one message costs the loop; the target is zero.
/// </summary>
[MemoryDiagnoser]
public class SelectLoopEchoBenchmarks
{
    private Socket? _client;
    private Socket? _server;
    private SelectLoop? _loop;
    private byte[] _message = [];
    private byte[] _reply = [];

    /// <summary>Bytes per message.</summary>
    [Params(64)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _client.Connect(listener.LocalEndPoint!);
        _server = listener.Accept();
        _server.NoDelay = true;
        _loop = new SelectLoop("bench-select");
        var server = _server;
        var loop = _loop;
        _loop.Execute(() =>
        {
            var local = EndpointUri.FromEndPoint(TransportKind.Tcp, server.LocalEndPoint!);
            var connection = new Connection(1, local, new ReadinessSocketIO(server, loop), null, CancellationToken.None);
            _ = new EchoService().HandleAsync(connection, connection.Aborted).AsTask();
        });
        _message = new byte[Size];
        _reply = new byte[Size];
    }

    [Benchmark(Description = "echo one message (event loop: select, async on Linux; loopback TCP)")]
    public int EchoOneMessage()
    {
        var client = _client!;
        client.Send(_message);
        var got = 0;
        while (got < _reply.Length)
        {
            got += client.Receive(_reply.AsSpan(got));
        }

        return got;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _loop?.Dispose();
        _server?.Dispose();
    }
}
