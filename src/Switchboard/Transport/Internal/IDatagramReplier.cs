namespace Switchboard.Transport.Internal;

/// <summary>Sends a reply to a datagram's sender, applying the server's reply policy.</summary>
internal interface IDatagramReplier
{
    ValueTask<bool> ReplyAsync(Datagram request, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
