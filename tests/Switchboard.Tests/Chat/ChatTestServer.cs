using Switchboard.Chat;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>
/// An in-process chat server on an ephemeral loopback port. The chat and its server get their meters from one
/// factory of the test's own (<see cref="Meters"/>), as a host would give both its factory.
/// </summary>
public sealed class ChatTestServer : IAsyncDisposable
{
    private ChatTestServer(ChatService service, Server server, TestMeterFactory meters)
    {
        Service = service;
        Server = server;
        Meters = meters;
    }

    public ChatService Service { get; }

    public Server Server { get; }

    public EndpointUri Endpoint => Server.Listeners[0].Endpoint;

    /// <summary>Where the chat's and the server's <c>Switchboard</c> meter came from: read them with <see cref="TestMeterFactory.Collect"/>.</summary>
    internal TestMeterFactory Meters { get; }

    public static ChatTestServer Start(ChatOptions? options = null, ConcurrencyModel model = ConcurrencyModel.Async, Action<ServerOptions>? configure = null, TimeSpan? lineTimeout = null, IChatHub? hub = null)
    {
        var services = new ServiceOptions();
        if (lineTimeout is { } timeout)
        {
            services.LineTimeout = timeout;
        }

        var meters = new TestMeterFactory();
        options ??= new ChatOptions();
        options.MeterFactory = meters;
        var service = new ChatService(options, services, hub);
        var server = TestServer.Start(service, model, EndpointUri.Parse("tcp://127.0.0.1:0"), o =>
        {
            o.MeterFactory = meters;
            configure?.Invoke(o);
        });
        return new ChatTestServer(service, server, meters);
    }

    public Task<ChatClient> JoinAsync(string nick, Action<System.Net.Sockets.Socket>? configure = null) => ChatClient.JoinAsync(Endpoint, nick, configure);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Service.Dispose();
        Meters.Dispose();
    }
}
