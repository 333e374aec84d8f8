using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>The socketserver port and the select server, against raw socket clients.</summary>
public sealed class ServerSampleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("sequential")]
    [InlineData("threads")]
    [InlineData("async")]
    public async Task TheSocketServerSampleAnswersEachLineInUpperCase(string model)
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.SocketServerTcp", "tcp://127.0.0.1:0", model);
        await using var _ = server;
        using var client = await TestClient.ConnectAsync(EndpointUri.Parse("tcp://" + address));
        await client.SendAllAsync("hello world\nsecond\n"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("HELLO WORLD\nSECOND\n", Encoding.UTF8.GetString(await client.ReadToEndAsync()));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheSelectServerEchoesToSeveralClientsAtOnceOnOneThread()
    {
        var (server, address) = await SampleProcess.StartServerAsync("Samples.SelectServer");
        await using var _ = server;
        var endpoint = EndpointUri.Parse("tcp://" + address);
        var clients = new List<Socket>();
        try
        {
            // All three stay connected while each is answered: a one-at-a-time server would never answer the second.
            for (var i = 0; i < 3; i++)
            {
                clients.Add(await TestClient.ConnectAsync(endpoint));
            }

            for (var round = 0; round < 2; round++)
            {
                for (var i = 0; i < clients.Count; i++)
                {
                    await clients[i].SendAllAsync(Encoding.ASCII.GetBytes($"client {i} round {round}"));
                }

                for (var i = 0; i < clients.Count; i++)
                {
                    var expected = $"client {i} round {round}";
                    Assert.Equal(expected, Encoding.ASCII.GetString(await clients[i].ReadExactlyAsync(expected.Length)));
                }
            }

            clients[0].Shutdown(SocketShutdown.Send);
            Assert.Empty(await clients[0].ReadToEndAsync());
            Assert.NotNull(await server.WaitForLineAsync(l => l.StartsWith("closing ", StringComparison.Ordinal)));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
