using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Benchmarks;

/// <summary>
/// The datagram echo path per datagram, through the public <see cref="Server"/> over real loopback UDP: the
/// listener on its event loop (select and async models; batched with recvmmsg/sendmmsg on Linux, or one at a time
/// with <see cref="TransportOptions.DatagramBatchSize"/> 1), <see cref="EchoService"/>, the reply guard. The
/// benchmark is a connected client that sends <see cref="Window"/> datagrams and reads their replies, so the server
/// sees batches. "Allocated" counts every thread, per datagram (OperationsPerInvoke); the target is zero.
/// </summary>
[MemoryDiagnoser]
public class DatagramEchoBenchmarks
{
    private const int Window = 16;
    private Server? _server;
    private Socket? _client;
    private readonly byte[] _message = new byte[64];
    private readonly byte[] _reply = new byte[2048];

    /// <summary>The server's model.</summary>
    [Params(ConcurrencyModel.Select, ConcurrencyModel.Async)]
    public ConcurrencyModel Model { get; set; }

    /// <summary>Datagrams per system call: the default batch, or 1 (one recvfrom and sendto each).</summary>
    [Params(TransportOptions.DefaultDatagramBatchSize, 1)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new ServerOptions { Model = Model, DatagramReplyRate = 0 };
        options.Listen.Add(EndpointUri.Parse("udp://127.0.0.1:0"));
        options.Transport.DatagramBatchSize = Batch;
        _server = new Server(options, null, new EchoService());
        _server.Start();
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        _client.Connect(_server.Listeners[0].Endpoint.ToEndPoint());
    }

    [Benchmark(OperationsPerInvoke = Window, Description = "echo a datagram (16 in flight, loopback UDP)")]
    public int EchoDatagrams()
    {
        var client = _client!;
        for (var i = 0; i < Window; i++)
        {
            client.Send(_message);
        }

        var got = 0;
        for (var i = 0; i < Window; i++)
        {
            got += client.Receive(_reply);
        }

        return got;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _server?.StopAsync().GetAwaiter().GetResult();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
