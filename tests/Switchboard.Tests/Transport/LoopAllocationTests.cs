using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Tests.Support;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary>
/// The echo path on an event loop allocates nothing per message (bench/SelectLoopEchoBenchmarks measures the same
/// with BenchmarkDotNet): counted on the loop thread itself, after a warm-up, under each backend. Release builds only
/// (<c>dotnet test -c Release</c>): a Debug build compiles every async state machine as a class, one allocation per call.
/// </summary>
public sealed class LoopAllocationTests
{
    public static TheoryData<LoopBackend> Backends =>
        OperatingSystem.IsLinux() ? [LoopBackend.Epoll, LoopBackend.Poll] : [LoopBackend.Poll];

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Backends))]
    public async Task TheEchoPathOnALoopAllocatesNothingPerMessage(LoopBackend backend)
    {
        var debug = typeof(SelectLoop).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
        Assert.SkipWhen(debug, "a Debug build allocates every async state machine; run with -c Release");
        using var loop = new SelectLoop("test-alloc", backend);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();
        server.NoDelay = true;
        loop.Execute(() =>
        {
            var local = EndpointUri.FromEndPoint(TransportKind.Tcp, server.LocalEndPoint!);
            var connection = new Connection(1, local, new ReadinessSocketIO(server, loop), null, CancellationToken.None);
            _ = new EchoService().HandleAsync(connection, connection.Aborted).AsTask();
        });

        var message = new byte[64];
        var reply = new byte[64];
        Echo(client, message, reply, 3_000); // warm-up: tiering, pools
        var before = await AllocatedOnLoopAsync(loop);
        const int Messages = 10_000;
        Echo(client, message, reply, Messages);
        var allocated = await AllocatedOnLoopAsync(loop) - before;

        // A few bytes of slack for the two measurements themselves; one allocation per message would be 240 KB+.
        Assert.True(allocated < 4_096, $"{allocated} bytes allocated on the loop over {Messages} messages");
    }

    private static void Echo(Socket client, byte[] message, byte[] reply, int count)
    {
        for (var i = 0; i < count; i++)
        {
            client.Send(message);
            var got = 0;
            while (got < reply.Length)
            {
                got += client.Receive(reply.AsSpan(got));
            }
        }
    }

    private static Task<long> AllocatedOnLoopAsync(SelectLoop loop)
    {
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(static state => ((TaskCompletionSource<long>)state!).SetResult(GC.GetAllocatedBytesForCurrentThread()), result);
        return result.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
    }
}
