using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Transport;

/// <summary>
/// What a transport outside Switchboard (Kestrel's) tells the <see cref="Connection"/> a <see cref="PipeConnection"/>
/// makes over its pipes: the endpoints, how to abort, when its server stops.
/// </summary>
public sealed class PipeConnectionOptions
{
    /// <summary>A number unique within the transport's server, for logs (<see cref="Connection.Id"/>).</summary>
    public long Id { get; init; }

    /// <summary>The endpoint the connection arrived on (<see cref="Connection.LocalEndpoint"/>).</summary>
    public required EndpointUri LocalEndpoint { get; init; }

    /// <summary>The peer's endpoint (<see cref="Connection.RemoteEndPoint"/>); null when the transport does not know it.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>
    /// The transport's abort (Kestrel: <c>ConnectionContext.Abort</c>), called once by
    /// <see cref="Connection.Abort()"/> and the deadline check after <see cref="Connection.Aborted"/> fires. Null: the
    /// token alone, and the transport's pipes go on until the handler returns.
    /// </summary>
    public Action? Abort { get; init; }

    /// <summary>Fires when the transport's server starts to stop (<see cref="Connection.ServerStopping"/>).</summary>
    public CancellationToken ServerStopping { get; init; }

    /// <summary>
    /// The transport's socket when it has one (Kestrel: <c>IConnectionSocketFeature.Socket</c>), used only to set
    /// socket options for <see cref="Connection.EnableKeepAlive"/>; never read from or written to. Null: no keepalive.
    /// </summary>
    public Socket? Socket { get; init; }

    /// <summary>
    /// Tells the transport's own exceptions for a lost connection from the handler's failures: the close reason for
    /// one (Kestrel's <c>ConnectionResetException</c> → <see cref="CloseReason.PeerReset"/>, its
    /// <c>ConnectionAbortedException</c> → <see cref="CloseReason.Drain"/> or <see cref="CloseReason.Error"/>), null
    /// for any other. Reads and writes then throw the library's <see cref="ConnectionException"/> for it
    /// (<see cref="ConnectionResetException"/>, <see cref="ConnectionTimedOutException"/>, else
    /// <see cref="ConnectionAbortedException"/> with the reason). Without it, and before it is asked, a socket error
    /// under the transport's <see cref="IOException"/>s is mapped as on a Switchboard socket, and anything after
    /// <see cref="Connection.Abort()"/> is an abort.
    /// </summary>
    public Func<Exception, CloseReason?>? ClassifyFailure { get; init; }
}
