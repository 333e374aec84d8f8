using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Client;

/// <summary>
/// A connected tcp or unix stream: <see cref="Input"/> and <see cref="Output"/> pipes (the same demand-filled pipes a
/// server's <see cref="Connection"/> has, so any framer that reads a <see cref="PipeReader"/> and writes a
/// <see cref="PipeWriter"/> runs over it), half-close, abort and dispose. Reading and writing may go on at once
/// from two tasks; two concurrent reads (or writes) may not. A lost connection fails them with the same exceptions
/// a server's handler sees: <see cref="ConnectionResetException"/> (the server reset it),
/// <see cref="ConnectionAbortedException"/> (<see cref="Abort"/> or a dispose under a pending call),
/// <see cref="ConnectionTimedOutException"/> (the server stopped answering).
/// </summary>
public sealed class ClientConnection : IDuplexPipe, IAsyncDisposable, IDisposable
{
    private readonly Connection _connection;
    private int _disposed;

    internal ClientConnection(EndpointUri endpoint, Socket socket, SocketIO io)
    {
        Endpoint = endpoint;
        LocalEndPoint = socket.LocalEndPoint;
        _connection = new Connection(0, endpoint, io, null, CancellationToken.None);
    }

    /// <summary>The connection underneath, for the library's own users of a connection (ExecService).</summary>
    internal Connection Connection => _connection;

    /// <summary>The endpoint as asked for (a host name stays a name; see <see cref="RemoteEndPoint"/> for the address).</summary>
    public EndpointUri Endpoint { get; }

    /// <summary>The address that accepted the connection.</summary>
    public EndPoint? RemoteEndPoint => _connection.RemoteEndPoint;

    /// <summary>The peer as written in messages: <c>127.0.0.1:7</c>, <c>[::1]:7</c>, a Unix path.</summary>
    public string RemoteText => _connection.RemoteText;

    /// <summary>The local address the kernel (or <see cref="ClientOptions.LocalEndPoint"/>) chose.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>What the peer sends. Reading it reads the socket; not reading it pushes back on the peer.</summary>
    public PipeReader Input => _connection.Input;

    /// <summary>What goes to the peer. <see cref="PipeWriter.FlushAsync"/> returns when the kernel has the bytes.</summary>
    public PipeWriter Output => _connection.Output;

    /// <summary>True once the peer has half-closed or closed its side (a read returned end of stream).</summary>
    public bool PeerClosedInput => _connection.PeerClosedInput;

    /// <summary>Total bytes received from the peer.</summary>
    public long BytesReceived => _connection.BytesReceived;

    /// <summary>Total bytes sent to the peer.</summary>
    public long BytesSent => _connection.BytesSent;

    /// <summary>
    /// Flushes <see cref="Output"/> and half-closes the sending side: the peer reads end of stream (FIN,
    /// <c>shutdown(SHUT_WR)</c>) while this side can still read its reply.
    /// </summary>
    public ValueTask ShutdownOutputAsync(CancellationToken cancellationToken = default) =>
        _connection.ShutdownOutputAsync(cancellationToken);

    /// <summary>Ends the connection at once with a reset (RST); pending reads and writes fail.</summary>
    public void Abort()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _connection.Abort();
    }

    /// <summary>Flushes what is buffered in <see cref="Output"/>, then closes gracefully (FIN).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            await Output.FlushAsync();
            await _connection.IO.EndSendingAsync(); // TLS: close_notify, so the peer reads a clean end
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone: there is nobody left to flush to, and closing must still happen.
        }

        Dispose();
    }

    /// <summary>
    /// Closes gracefully: FIN, then what the peer sent unread is read away (otherwise close() sends RST, which can
    /// destroy a reply the peer has not read yet), then the socket is closed. Unflushed output is dropped.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.IO.Close();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Endpoint} ({RemoteText})";
}
