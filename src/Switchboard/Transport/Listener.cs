using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

/// <summary>
/// A bound socket that accepts connections (tcp, unix) or receives datagrams (udp, unixgram). Disposing it closes
/// the socket and removes the Unix socket file it created, if the path still names that file.
/// </summary>
public sealed class Listener : IDisposable
{
    private readonly OwnedSocketFile? _ownedFile;
    private int _disposed;

    internal Listener(EndpointUri requested, EndpointUri bound, Socket socket, OwnedSocketFile? ownedFile)
    {
        Requested = requested;
        Endpoint = bound;
        Socket = socket;
        _ownedFile = ownedFile;
    }

    /// <summary>The endpoint as asked for (port 0, empty host …).</summary>
    public EndpointUri Requested { get; }

    /// <summary>The endpoint as bound, with the real address and port.</summary>
    public EndpointUri Endpoint { get; }

    /// <summary>
    /// The descriptor number when the socket was handed to this process (<see cref="ListenerFactory.Adopt"/>: systemd
    /// socket activation, <c>fd://N</c>); null when it was bound here. An adopted Unix socket's file belongs to
    /// whoever created it, and is never removed on dispose.
    /// </summary>
    public int? Descriptor { get; internal init; }

    /// <summary>The socket kind.</summary>
    public TransportKind Kind => Endpoint.Kind;

    internal Socket Socket { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Unlinked while our socket is still open: until the close, the inode at the path can only be ours or a
        // replacement, never a recycled number of ours.
        _ownedFile?.RemoveIfStillOurs();
        Socket.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Endpoint.ToString();
}
