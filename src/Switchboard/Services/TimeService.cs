using System.Buffers.Binary;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Services;

/// <summary>
/// RFC 868 time: four bytes, the seconds since 1900-01-01 00:00 UTC as a big-endian unsigned number, then close
/// (TCP) or one datagram (UDP). The count wraps in 2036, as the RFC's 32 bits do.
/// </summary>
public sealed class TimeService(ServiceOptions options) : IStreamHandler, IDatagramHandler
{
    /// <summary>Seconds from 1900-01-01 to 1970-01-01.</summary>
    public const long SecondsFrom1900To1970 = 2_208_988_800;

    /// <summary>The current time as the RFC's four bytes.</summary>
    public byte[] CurrentTime()
    {
        var seconds = options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() + SecondsFrom1900To1970;
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, unchecked((uint)seconds));
        return bytes;
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.Output.WriteAsync(CurrentTime(), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        await datagram.ReplyAsync(CurrentTime(), cancellationToken);
    }
}
