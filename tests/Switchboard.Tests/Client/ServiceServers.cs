using Switchboard.Cli.Commands;
using Switchboard.Endpoints;
using Switchboard.Hosting;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Client;

/// <summary>In-process classic services on a fresh endpoint of a named transport (tcp, tcp6, udp, udp6, unix, unixgram).</summary>
public static class ServiceServers
{
    public static EndpointUri Endpoint(string transport, TempDirectory dir) => transport switch
    {
        "tcp" => TestServer.Ephemeral(TransportKind.Tcp, dir),
        "tcp6" => TestServer.Ephemeral(TransportKind.Tcp, dir, ipv6: true),
        "udp" => TestServer.Ephemeral(TransportKind.Udp, dir),
        "udp6" => TestServer.Ephemeral(TransportKind.Udp, dir, ipv6: true),
        "unix" => TestServer.Ephemeral(TransportKind.Unix, dir),
        "unixgram" => TestServer.Ephemeral(TransportKind.UnixDatagram, dir),
        _ => throw new ArgumentException($"unknown transport {transport}", nameof(transport)),
    };

    public static Server Start(string service, string transport, TempDirectory dir)
    {
        var definition = ServiceCatalog.Create(service, new ServiceOptions())!;
        var endpoint = Endpoint(transport, dir);
        object handler = endpoint.Kind.IsStream()
            ? definition.StreamHandler
            : definition.DatagramHandler ?? throw new ArgumentException($"{service} serves no datagrams", nameof(service));
        return TestServer.Start(handler, ConcurrencyModel.Async, endpoint);
    }

    /// <summary>Starts <paramref name="handler"/> (a <c>ScriptedPeer</c> or a service) on a fresh endpoint.</summary>
    public static Server Start(object handler, string transport, TempDirectory dir) =>
        TestServer.Start(handler, ConcurrencyModel.Async, Endpoint(transport, dir));
}
