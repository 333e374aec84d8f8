using System.Net;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// Issue 13: 200,000 distinct sources added 76 MB of reply-limit state. The flood comes from python3 (one socket
/// per 127.x.y.z address), so this process allocates only for the server; it runs alone because the measure is
/// the whole process's allocations.
/// </summary>
[Collection(nameof(DatagramSourceFloodTests))]
[CollectionDefinition(nameof(DatagramSourceFloodTests), DisableParallelization = true)]
public sealed class DatagramSourceFloodTests : IDisposable
{
    private const int Datagrams = 20_000;

    // A socket per datagram (a new port each time), bound to its own 127.x.y.z or always to 127.0.0.1, each
    // waiting for its reply: both floods go at the server's pace, and only the number of source addresses differs.
    private const string Sender = """
        import socket, sys
        port, count, distinct = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "distinct"
        for i in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(2)
            s.bind(("127.%d.%d.%d" % (1 + i // 64516, i // 254 % 254 + 1, i % 254 + 1) if distinct else "127.0.0.1", 0))
            s.sendto(b"x", ("127.0.0.1", port))
            try:
                s.recv(16)
            except socket.timeout:
                pass
            s.close()
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AFloodOfDistinctSourcesCostsNoMoreThanAFloodFromOne()
    {
        var echo = new CountingEcho();
        await using var server = TestServer.Start(echo, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Udp, _dir), o =>
        {
            o.DatagramReplyBurst = 1_000_000; // no source is ever refused: both floods take the same path
            o.DatagramReplyLimitLoopback = true;
        });
        var port = ((IPEndPoint)server.Listeners[0].Endpoint.ToEndPoint()).Port;

        var fromOne = await AllocatedWhileServingAsync(port, "same", echo);
        var fromMany = await AllocatedWhileServingAsync(port, "distinct", echo);

        // Per-source limiter objects cost hundreds of bytes each; a fixed table, nothing.
        var perSource = (fromMany - fromOne) / (double)Datagrams;
        Assert.True(perSource < 64, $"{perSource:F0} bytes per new source ({fromOne} B for one source, {fromMany} B for {Datagrams} sources)");
    }

    private static async Task<long> AllocatedWhileServingAsync(int port, string mode, CountingEcho echo)
    {
        GC.Collect();
        var start = echo.Replied;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var (exit, _, stderr) = await PeerProcess.RunAsync("python3", ["-c", Sender, port.ToString(invariant), Datagrams.ToString(invariant), mode], "", TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, stderr);

        // Wait until what arrived has been answered (no new reply for a moment), and check that nearly all did.
        var seen = -1L;
        Assert.True(await Eventually.TrueAsync(
            () =>
            {
                var now = echo.Replied;
                var settled = now == seen;
                seen = now;
                return settled && now - start >= Datagrams * 0.99;
            },
            TimeSpan.FromSeconds(30)), $"{mode}: {echo.Replied - start} of {Datagrams} answered");
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    /// <summary>Echo, counting the replies that went: a counter read without allocating, unlike a metric snapshot.</summary>
    private sealed class CountingEcho : IDatagramHandler
    {
        private long _replied;

        public long Replied => Interlocked.Read(ref _replied);

        public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
        {
            if (await datagram.ReplyAsync(datagram.Payload, cancellationToken))
            {
                Interlocked.Increment(ref _replied);
            }
        }
    }
}
