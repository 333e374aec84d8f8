using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Services;

/// <summary>
/// RFC 864 character generator. TCP: the pattern, line after line, until the client goes (input is ignored, as
/// xinetd does); each write waits for the peer, so a client that stops reading stops the server too. UDP: each
/// request gets one datagram of 0 to 512 characters of the pattern.
/// </summary>
public sealed class ChargenService : IStreamHandler, IDatagramHandler
{
    /// <summary>The largest UDP reply, as RFC 864 says.</summary>
    public const int MaxDatagram = 512;

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            while (!connection.ServerStopping.IsCancellationRequested)
            {
                await connection.Output.WriteAsync(ChargenPattern.Cycle, cancellationToken);
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            // The client went away: for chargen that is how every conversation ends.
            connection.TrySetCloseReason(CloseReason.PeerClosed);
        }
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datagram);
#pragma warning disable CA5394 // The length only needs to vary; it guards nothing.
        var length = Random.Shared.Next(0, MaxDatagram + 1);
#pragma warning restore CA5394
        await datagram.ReplyAsync(ChargenPattern.Cycle[..length], cancellationToken);
    }
}
