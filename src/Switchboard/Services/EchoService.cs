using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Services;

/// <summary>
/// RFC 862 echo: every byte received is sent back. On TCP it echoes until the peer half-closes, then half-closes
/// too; each UDP datagram comes back as one datagram.
/// </summary>
public sealed class EchoService : IStreamHandler, IDatagramHandler
{
    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var input = connection.Input;
        var output = connection.Output;

        // ConfigureAwait(false): this loop needs no thread of its own (the connection's calls run on its loop
        // anyway), and resuming where the socket completed saves a post per message (one delegate, 64 bytes).
        // Only what is needed after an await lives in the method's state, which every idle connection holds.
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var end = buffer.End;
            var completed = result.IsCompleted;

            // Sent straight from the receive buffer: no copy, and no read until the peer has taken it.
            if (buffer.IsSingleSegment)
            {
                await output.WriteAsync(buffer.First, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteEachAsync(output, buffer, cancellationToken).ConfigureAwait(false);
            }

            input.AdvanceTo(end);
            if (completed)
            {
                return;
            }
        }
    }

    private static async ValueTask WriteEachAsync(PipeWriter output, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        foreach (var segment in buffer)
        {
            await output.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        await datagram.ReplyAsync(datagram.Payload, cancellationToken);
    }
}
