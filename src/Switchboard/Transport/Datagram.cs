using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

/// <summary>
/// One received datagram as a handler sees it: the payload, the sender, and a way to reply. The payload's memory is
/// reused for the next datagram once the handler returns; copy it to keep it.
/// </summary>
public sealed class Datagram
{
    private readonly IDatagramReplier _replier;
    private EndPoint? _remote;
    private bool _remoteResolved;

    internal Datagram(ReadOnlyMemory<byte> payload, SocketAddress sender, EndpointUri localEndpoint, IDatagramReplier replier)
    {
        Payload = payload;
        SenderAddress = sender;
        LocalEndpoint = localEndpoint;
        _replier = replier;
    }

    /// <summary>The bytes of the datagram (possibly empty).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The listener's endpoint the datagram arrived on.</summary>
    public EndpointUri LocalEndpoint { get; }

    /// <summary>The sender, or null for a Unix datagram socket that was never bound (no reply can reach it).</summary>
    public EndPoint? RemoteEndPoint
    {
        get
        {
            if (!_remoteResolved)
            {
                _remote = ToEndPoint(SenderAddress);
                _remoteResolved = true;
            }

            return _remote;
        }
    }

    /// <summary>The sender as written in logs.</summary>
    public string RemoteText => EndpointText.Format(RemoteEndPoint);

    internal SocketAddress SenderAddress { get; }

    /// <summary>
    /// Sends <paramref name="payload"/> back to the sender. Returns false when the reply was not sent: the sender
    /// cannot be replied to (an unnamed Unix socket), the reflection guard refused it (source port 0 or a
    /// well-known service port), the sender is over its reply rate, or the socket's buffer was full.
    /// </summary>
    public ValueTask<bool> ReplyAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        _replier.ReplyAsync(this, payload, cancellationToken);

    private static EndPoint? ToEndPoint(SocketAddress address) => address.Family switch
    {
        AddressFamily.InterNetwork => new IPEndPoint(IPAddress.Any, 0).Create(address),
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0).Create(address),
        AddressFamily.Unix when address.Size > 2 => new UnixDomainSocketEndPoint("/").Create(address),
        _ => null,
    };
}
