using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>
/// Where most exec tests start: an <see cref="ExecService"/> for the options, a server under a model on an ephemeral
/// endpoint (tcp on 127.0.0.1 unless told), and one client connected to it. Disposed in reverse order.
/// </summary>
internal sealed class ExecRig : IAsyncDisposable
{
    private ExecRig(ExecService service, Server server, Socket socket)
    {
        Service = service;
        Server = server;
        Socket = socket;
    }

    public ExecService Service { get; }

    public Server Server { get; }

    /// <summary>The connected client.</summary>
    public Socket Socket { get; }

    public static async Task<ExecRig> StartAsync(
        ExecOptions options,
        ConcurrencyModel model = ConcurrencyModel.Async,
        EndpointUri? endpoint = null,
        ILoggerFactory? logs = null,
        Action<ServerOptions>? configure = null)
    {
        var service = new ExecService(options, logs);
        Server? server = null;
        try
        {
            server = TestServer.Start(service, model, endpoint ?? EndpointUri.Parse("tcp://127.0.0.1:0"), configure);
            var socket = await ExecTestPeer.ConnectAsync(server);
            return new ExecRig(service, server, socket);
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            service.Dispose();
            throw;
        }
    }

    /// <summary>Sends, half-closes, reads to the end (<see cref="ExecTestPeer.ExchangeAsync"/>).</summary>
    public Task<byte[]> ExchangeAsync(byte[] data) => ExecTestPeer.ExchangeAsync(Socket, data);

    public async ValueTask DisposeAsync()
    {
        Socket.Dispose();
        await Server.DisposeAsync();
        Service.Dispose();
    }
}
