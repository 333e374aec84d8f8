using Switchboard.Transport;

namespace Switchboard.Handlers;

/// <summary>
/// Serves one datagram: the counterpart of socketserver's <c>DatagramRequestHandler</c>. Reply with
/// <see cref="Datagram.ReplyAsync"/>; the server's reply policy (reflection guard, per-source rate) applies.
/// </summary>
public interface IDatagramHandler
{
    /// <summary>Serves <paramref name="datagram"/>.</summary>
    /// <param name="datagram">The received datagram; its payload is valid until this call returns.</param>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken);
}
