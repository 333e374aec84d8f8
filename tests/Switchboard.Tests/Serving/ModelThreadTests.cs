using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>
/// The threads each model uses, counted from /proc/self/task (thread names, truncated to 15 bytes by Linux). Run
/// alone: other tests' servers would start threads of the same names.
/// </summary>
[Collection(nameof(ModelThreadTests))]
[CollectionDefinition(nameof(ModelThreadTests), DisableParallelization = true)]
public sealed class ModelThreadTests : IDisposable
{
    private const string ConnectionThread = "switchboard-con"; // "switchboard-connection #N", as Linux keeps it

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheThreadsModelLeavesNoThreadBehindAfterTenThousandConnections()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Threads, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var target = (IPEndPoint)server.Listeners[0].Endpoint.ToEndPoint();
        var before = ThreadsNamed(ConnectionThread);

        // While connections are open, each has its thread: the count below can see them.
        var held = new List<Socket>();
        for (var i = 0; i < 5; i++)
        {
            held.Add(await TestClient.ConnectAsync(server.Listeners[0].Endpoint));
        }

        Assert.True(await Eventually.TrueAsync(() => ThreadsNamed(ConnectionThread) == before + 5), $"{ThreadsNamed(ConnectionThread)} connection threads, expected {before + 5}");
        held.ForEach(s => s.Dispose());

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[1];
        for (var i = 0; i < 10_000; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(target, TestContext.Current.CancellationToken);
            await client.SendAsync("x"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
            Assert.Equal(1, await client.ReceiveAsync(buffer, SocketFlags.None, TestContext.Current.CancellationToken));
        }

        TestContext.Current.SendDiagnosticMessage($"threads model: 10,000 connections one after another in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(
            await Eventually.TrueAsync(() => ThreadsNamed(ConnectionThread) == before && server.ActiveConnections == 0, TimeSpan.FromSeconds(30)),
            $"{ThreadsNamed(ConnectionThread) - before} connection threads left, {server.ActiveConnections} connections counted");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheSelectModelHoldsMoreThan1024ConnectionsOnOneThreadAndServesTheOnePast1024()
    {
        const int count = 1100;
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Select, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MaxConnections = 2000);
        var threadsBefore = ThreadCount();
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                clients.Add(await TestClient.ConnectAsync(server.Listeners[0].Endpoint));
            }

            Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == count), $"{server.ActiveConnections} of {count} connections admitted");

            // Descriptors past FD_SETSIZE (1,024): the last ones, and the first, still get their answers.
            foreach (var i in new[] { count - 1, 1024, 0 })
            {
                var message = Encoding.ASCII.GetBytes($"client {i}");
                await clients[i].SendAllAsync(message);
                Assert.Equal(message, await clients[i].ReadExactlyAsync(message.Length));
            }

            // One loop thread serves them all: 1,100 connections did not bring 1,100 threads (allow the pool its noise).
            Assert.InRange(ThreadCount() - threadsBefore, -50, 50);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0), $"{server.ActiveConnections} connections still counted");
    }

    private static int ThreadCount() => Directory.GetDirectories("/proc/self/task").Length;

    private static int ThreadsNamed(string name)
    {
        var count = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // the thread ended while we looked
            }
        }

        return count;
    }
}
