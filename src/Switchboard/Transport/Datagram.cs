using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

/// <summary>
/// One received datagram as a handler sees it: the payload, the sender, and a way to reply. Valid until the
/// handler's <c>HandleAsync</c> completes: then the object, its payload's memory and
/// its sender are reused for a later datagram (so a datagram costs no allocation), as Kestrel pools its
/// <c>HttpContext</c>. Copy what you keep, and reply before returning.
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
    public ReadOnlyMemory<byte> Payload { get; private set; }

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

    /// <summary>Makes this object the next datagram received into the same slot: new bytes, a sender rewritten in place.</summary>
    internal void Reuse(ReadOnlyMemory<byte> payload)
    {
        Payload = payload;
        _remote = null;
        _remoteResolved = false;
    }

    /// <summary>
    /// Sends <paramref name="payload"/> back to the sender. Returns false when the reply was not sent: the sender
    /// cannot be replied to (an unnamed Unix socket), the reflection guard refused it (source port 0 or a
    /// well-known service port), the sender is over its reply rate, or the socket's buffer was full. Where datagrams
    /// are served in batches (Linux, the async and select models) a reply is queued and sent with its batch's
    /// replies in one system call; true then means queued, and one the kernel refuses at that send is still counted
    /// as dropped in the server's metrics (<c>buffer_full</c>, <c>send_failed</c>).
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
