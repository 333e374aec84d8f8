using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Benchmarks;

/// <summary>
/// The steady-state echo path of the async model off Linux (on Linux it runs on event loops: see
/// <see cref="SelectLoopEchoBenchmarks"/>), per message, over a real loopback TCP connection: the server side is a
/// <see cref="Connection"/> (demand-filled pipes over <see cref="AsyncSocketIO"/>, the runtime's engine) run by
/// <see cref="EchoService"/>; the benchmark is the client, sending one message and reading it back with blocking
/// calls that allocate nothing. MemoryDiagnoser counts every thread's allocations, so "Allocated" is what the
/// server path costs per message; the target is zero.
/// </summary>
[MemoryDiagnoser]
public class LoopbackEchoBenchmarks
{
    private Socket? _client;
    private Socket? _server;
    private CancellationTokenSource? _stop;
    private Task? _echo;
    private byte[] _message = [];
    private byte[] _reply = [];

    /// <summary>Bytes per message.</summary>
    [Params(64, 4096)]
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

        _stop = new CancellationTokenSource();
        var local = EndpointUri.FromEndPoint(TransportKind.Tcp, _server.LocalEndPoint!);
        var connection = new Connection(1, local, new AsyncSocketIO(_server), null, CancellationToken.None);
        _echo = Task.Run(async () => await new EchoService().HandleAsync(connection, _stop.Token));
        _message = new byte[Size];
        _reply = new byte[Size];
        Random.Shared.NextBytes(_message);
    }

    [Benchmark(Description = "echo one message (runtime engine: async model off Linux, loopback TCP)")]
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
        _client?.Shutdown(SocketShutdown.Send);
        _echo?.Wait(TimeSpan.FromSeconds(5));
        _stop?.Cancel();
        _client?.Dispose();
        _server?.Dispose();
        _stop?.Dispose();
    }
}
