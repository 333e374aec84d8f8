using System.Buffers;
using System.Text;
using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Samples.SocketServerTcp;

/// <summary>
/// socketserver's <c>MyTCPHandler</c> as a <c>StreamRequestHandler</c>: <c>self.rfile.readline()</c> becomes a
/// <see cref="FrameReader"/> of lines, <c>self.wfile.write</c> the connection's output. Unlike the docs' handler,
/// it answers every line until the client closes, and a line over 8 KiB ends the connection instead of growing.
/// </summary>
internal sealed class UpperCaseHandler : IStreamHandler
{
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        using var lines = new FrameReader(connection.Input, DelimitedFramer.NewLine());
        var output = new FrameWriter(connection.Output, DelimitedFramer.NewLine());
        Console.WriteLine($"{connection.RemoteText} connected");
        try
        {
            while (await lines.ReadAsync(cancellationToken) is { } line)
            {
                var text = Encoding.UTF8.GetString(line.ToArray()).Trim();
                await output.WriteAsync(Encoding.UTF8.GetBytes(text.ToUpperInvariant()), cancellationToken);
            }
        }
        catch (FramingException e)
        {
            Console.WriteLine($"{connection.RemoteText}: {e.Message}");
            connection.TrySetCloseReason(CloseReason.Limit);
        }
    }
}
