using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

/// <summary>
/// A bound socket that accepts connections (tcp, unix) or receives datagrams (udp, unixgram). Disposing it closes
/// the socket and removes a Unix socket file it created.
/// </summary>
public sealed class Listener : IDisposable
{
    private readonly string? _createdPath;
    private int _disposed;

    internal Listener(EndpointUri requested, EndpointUri bound, Socket socket, string? createdPath)
    {
        Requested = requested;
        Endpoint = bound;
        Socket = socket;
        _createdPath = createdPath;
    }

    /// <summary>The endpoint as asked for (port 0, empty host …).</summary>
    public EndpointUri Requested { get; }

    /// <summary>The endpoint as bound, with the real address and port.</summary>
    public EndpointUri Endpoint { get; }

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

        Socket.Dispose();
        if (_createdPath is { } path && UnixFileType.IsSocket(path))
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Someone else removed or replaced it; nothing of ours is left to clean.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Endpoint.ToString();
}
