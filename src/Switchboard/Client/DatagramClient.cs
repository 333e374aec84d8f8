using System.Net;
using System.Net.Sockets;
using Switchboard.Client.Internal;
using Switchboard.Endpoints;

namespace Switchboard.Client;

/// <summary>
/// A datagram socket connected to one udp or unixgram peer: send datagrams, receive its replies (with a timeout).
/// Disposing it closes the socket and removes the Unix socket file it bound.
/// </summary>
public sealed class DatagramClient : IDisposable
{
    /// <summary>The largest UDP payload over IPv4: 65,535 minus the IP and UDP headers.</summary>
    public const int MaxUdpPayload = 65_507;

    private readonly Socket _socket;
    private readonly string? _ownPath;
    private int _disposed;

    internal DatagramClient(EndpointUri endpoint, Socket socket, string? ownPath)
    {
        Endpoint = endpoint;
        _socket = socket;
        _ownPath = ownPath;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
    }

    /// <summary>The endpoint as asked for.</summary>
    public EndpointUri Endpoint { get; }

    /// <summary>The peer's address the socket is connected to.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>This socket's own address: the port (udp) or path (unixgram) replies come back to.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>
    /// Sends one datagram. Throws <see cref="ConnectionRefusedException"/> when an earlier datagram was answered
    /// with "port unreachable" (udp) or the peer's socket is gone (unixgram).
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        try
        {
            await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            throw ConnectFailures.Lost(Endpoint, e);
        }
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/> (longer ones are cut) and returns its length.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
        {
            return buffer.Length;
        }
        catch (SocketException e)
        {
            throw ConnectFailures.Lost(Endpoint, e);
        }
    }

    /// <summary>Receives one datagram, or returns null when none arrives within <paramref name="timeout"/>.</summary>
    public async ValueTask<int?> ReceiveAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            return await ReceiveAsync(buffer, timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            RemoveFile(_ownPath);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Endpoint} (from {EndpointText.Format(LocalEndPoint)})";

    internal static void RemoveFile(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
