using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;

namespace Switchboard.Tests.Support;

/// <summary>Starts in-process servers on ephemeral ports and temp Unix paths.</summary>
public static class TestServer
{
    /// <summary>An endpoint of <paramref name="kind"/> that binds fresh: port 0 on loopback, or a new temp path.</summary>
    public static EndpointUri Ephemeral(TransportKind kind, TempDirectory dir, bool ipv6 = false) => kind switch
    {
        TransportKind.Tcp => EndpointUri.Parse(ipv6 ? "tcp://[::1]:0" : "tcp://127.0.0.1:0"),
        TransportKind.Udp => EndpointUri.Parse(ipv6 ? "udp://[::1]:0" : "udp://127.0.0.1:0"),
        TransportKind.Unix => EndpointUri.Parse("unix://" + dir.File(Guid.NewGuid().ToString("N")[..8] + ".sock")),
        _ => EndpointUri.Parse("unixgram://" + dir.File(Guid.NewGuid().ToString("N")[..8] + ".sock")),
    };

    /// <summary>Starts a server with one listener; the caller disposes it.</summary>
    public static Server Start(
        object handler,
        ConcurrencyModel model,
        EndpointUri endpoint,
        Action<ServerOptions>? configure = null) => Start(handler, model, [endpoint], configure);

    /// <summary>Starts a server with several listeners; the caller disposes it.</summary>
    public static Server Start(
        object handler,
        ConcurrencyModel model,
        IEnumerable<EndpointUri> endpoints,
        Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { Model = model, DrainTimeout = TimeSpan.FromSeconds(2) };
        foreach (var endpoint in endpoints)
        {
            options.Listen.Add(endpoint);
        }

        configure?.Invoke(options);
        var server = new Server(options, handler as IStreamHandler, handler as IDatagramHandler);
        server.Start();
        return server;
    }

    /// <summary>Every concurrency model, for theories.</summary>
    public static TheoryData<ConcurrencyModel> AllModels => [.. Enum.GetValues<ConcurrencyModel>()];
}
