using Switchboard.Chat;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>An in-process chat server on an ephemeral loopback port.</summary>
public sealed class ChatTestServer : IAsyncDisposable
{
    private ChatTestServer(ChatService service, Server server)
    {
        Service = service;
        Server = server;
    }

    public ChatService Service { get; }

    public Server Server { get; }

    public EndpointUri Endpoint => Server.Listeners[0].Endpoint;

    public static ChatTestServer Start(ChatOptions? options = null, ConcurrencyModel model = ConcurrencyModel.Async, Action<ServerOptions>? configure = null, TimeSpan? lineTimeout = null)
    {
        var services = new ServiceOptions();
        if (lineTimeout is { } timeout)
        {
            services.LineTimeout = timeout;
        }

        var service = new ChatService(options ?? new ChatOptions(), services);
        var server = TestServer.Start(service, model, EndpointUri.Parse("tcp://127.0.0.1:0"), configure);
        return new ChatTestServer(service, server);
    }

    public Task<ChatClient> JoinAsync(string nick, Action<System.Net.Sockets.Socket>? configure = null) => ChatClient.JoinAsync(Endpoint, nick, configure);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Service.Dispose();
    }
}
