using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>A server's <see cref="Connection"/> and a <see cref="ClientConnection"/> are both <see cref="IDuplexPipe"/>s.</summary>
public sealed class DuplexPipeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task CodeWrittenAgainstIDuplexPipeRunsOnBothEndsOfAConnection(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new ReversingHandler(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var client = await SocketClient.ConnectAsync(server.Listeners[0].Endpoint, cancellationToken: TestContext.Current.CancellationToken);
        await client.Output.WriteAsync("abc\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await client.ShutdownOutputAsync(TestContext.Current.CancellationToken);

        var reply = await ReadToEndAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal("\ncba"u8.ToArray(), reply);
    }

    // The one piece of code both ends run, as an IDuplexPipe.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The interface is what is tested.")]
    private static async Task<byte[]> ReadToEndAsync(IDuplexPipe pipe, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await pipe.Input.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                var all = result.Buffer.ToArray();
                pipe.Input.AdvanceTo(result.Buffer.End);
                return all;
            }

            pipe.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed class ReversingHandler : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var all = await ReadToEndAsync(connection, cancellationToken);
            Array.Reverse(all);
            await connection.Output.WriteAsync(all, cancellationToken);
        }
    }
}
