using System.Globalization;
using System.Text;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Services;

/// <summary>
/// RFC 867 daytime: one human-readable line with the date and time, then close (TCP) or one datagram (UDP).
/// The format is the RFC's own example: <c>Monday, November 23, 2026 02:36:04-UTC</c>.
/// </summary>
public sealed class DaytimeService(ServiceOptions options) : IStreamHandler, IDatagramHandler
{
    /// <summary>Today's daytime line, CR LF included.</summary>
    public byte[] CurrentLine()
    {
        var now = options.TimeProvider.GetUtcNow();
        return Encoding.ASCII.GetBytes(now.ToString("dddd, MMMM d, yyyy HH:mm:ss", CultureInfo.InvariantCulture) + "-UTC\r\n");
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.Output.WriteAsync(CurrentLine(), cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        await datagram.ReplyAsync(CurrentLine(), cancellationToken);
    }
}
