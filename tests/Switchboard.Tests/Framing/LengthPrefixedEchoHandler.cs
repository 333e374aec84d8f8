using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Tests.Framing;

/// <summary>Sends each length-prefixed message back; a message breaking the framing ends the connection.</summary>
public sealed class LengthPrefixedEchoHandler : IStreamHandler
{
    public const int MaxFrameLength = 200_000;

    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        var framer = new LengthPrefixedFramer(4, maxFrameLength: MaxFrameLength);
        using var reader = new FrameReader(connection.Input, framer);
        var writer = new FrameWriter(connection.Output, framer);
        try
        {
            while (await reader.ReadAsync(cancellationToken) is { } frame)
            {
                writer.Write(frame);
                await writer.FlushAsync(cancellationToken);
            }
        }
        catch (FramingException)
        {
            connection.TrySetCloseReason(CloseReason.Limit);
        }
    }
}
