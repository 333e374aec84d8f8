using Switchboard.Endpoints;
using Switchboard.Serving;
using Switchboard.Tests.Samples;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>The length-prefixed framer against Python's own <c>struct.pack("!I", n) + data</c>.</summary>
public sealed class FramingPythonPeerTests : IDisposable
{
    private const string LengthPrefixedClient = """
        import socket, struct, sys
        def recv_exactly(s, n):
            data = b""
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk:
                    raise EOFError("closed after %d of %d bytes" % (len(data), n))
                data += chunk
            return data
        messages = [b"", b"first", bytes(range(256)) * 300]
        with socket.create_connection((sys.argv[1], int(sys.argv[2]))) as s:
            for m in messages:
                s.sendall(struct.pack("!I", len(m)) + m)
            for m in messages:
                (n,) = struct.unpack("!I", recv_exactly(s, 4))
                print("ok" if recv_exactly(s, n) == m else "mismatch", n)
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task APythonClientUsingStructPackGetsItsMessagesBackFromAFramedServer()
    {
        await using var server = TestServer.Start(new LengthPrefixedEchoHandler(), ConcurrencyModel.Select, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint;
        await using var client = SampleProcess.StartPython(LengthPrefixedClient, endpoint.Host!, endpoint.Port.ToString());
        client.StandardInput.Close();
        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, client.StandardError);
        Assert.Equal(["ok 0", "ok 5", "ok 76800"], client.StandardOutputLines);
    }
}
