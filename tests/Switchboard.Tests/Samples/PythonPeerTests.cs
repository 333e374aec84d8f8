using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>The ported samples against the original Python listings they port (Debian's python3), both ways.</summary>
public sealed class PythonPeerTests
{
    // The Python docs' echo server, with port 0 and the bound port printed as the samples print it.
    private const string EchoServer = """
        import socket
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            print("listening on tcp://%s:%d" % s.getsockname())
            conn, addr = s.accept()
            with conn:
                while True:
                    data = conn.recv(1024)
                    if not data:
                        break
                    conn.sendall(data)
        """;

    // The Python docs' echo client, reading until the whole echo is back.
    private const string EchoClient = """
        import socket, sys
        message = sys.argv[3].encode()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.connect((sys.argv[1], int(sys.argv[2])))
            s.sendall(message)
            data = b""
            while len(data) < len(message):
                chunk = s.recv(1024)
                if not chunk:
                    break
                data += chunk
        print("Received", data.decode())
        """;

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheBlockingClientSampleTalksToThePythonEchoServer()
    {
        var (server, address) = await SampleProcess.WaitForListeningAsync(SampleProcess.StartPython(EchoServer), "python3 echo server");
        await using var _ = server;
        var (host, port) = TcpSampleTests.Split(address);

        var (code, output, error) = await SampleProcess.RunAsync("Samples.BlockingTcpClient", "", host, port, "from C# to Python");
        Assert.True(code == 0, error);
        Assert.Equal("Received from C# to Python", output);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ThePythonEchoClientTalksToTheBlockingServerSample()
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.BlockingTcpServer");
        await using var _ = server;
        var (host, port) = TcpSampleTests.Split(address);

        await using var client = SampleProcess.StartPython(EchoClient, host, port, "from Python to C#");
        client.StandardInput.Close();
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("Received from Python to C#", client.Output);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
