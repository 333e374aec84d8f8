using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Switchboard.Endpoints;
using Switchboard.Transport;

namespace Switchboard.Benchmarks;

/// <summary>
/// One echo step through a <see cref="Connection"/>'s pipes with I/O that completes at once
/// (<see cref="MemorySocketIO"/>): <c>Input.ReadAsync</c> (which fills from the "socket"), <c>Output.WriteAsync</c>
/// of what was read, <c>Input.AdvanceTo</c>. Isolates what the demand-filled reader and the send-on-flush writer
/// cost per message, without the kernel; the target is zero bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class PipeMachineryBenchmarks
{
    private Socket? _listener;
    private Socket? _socket;
    private Connection? _connection;

    /// <summary>Bytes per message.</summary>
    [Params(64, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Connect(_listener.LocalEndPoint!);
        var io = new MemorySocketIO(_socket, new byte[Size]);
        _connection = new Connection(1, EndpointUri.Parse("tcp://127.0.0.1:7"), io, null, CancellationToken.None);
    }

    [Benchmark(Description = "read, write back, advance (pipes only)")]
    public async ValueTask<long> EchoStep()
    {
        var input = _connection!.Input;
        var result = await input.ReadAsync();
        var buffer = result.Buffer;
        foreach (var segment in buffer)
        {
            await _connection.Output.WriteAsync(segment);
        }

        input.AdvanceTo(buffer.End);
        return buffer.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket?.Dispose();
        _listener?.Dispose();
    }
}
