using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Services;

/// <summary>
/// The tutorials' timestamp server: each line <c>data</c> comes back as <c>[Mon Nov 23 02:36:04 2026]: data</c>
/// with the line's own ending, and each UDP datagram the same way. A partial line left without its newline for
/// <see cref="ServiceOptions.LineFlush"/> is answered as it stands, because the tutorial's client sends no newline
/// and waits. A line over <see cref="ServiceOptions.MaxLine"/> (newline included) gets one error line, then the
/// connection closes; so does a partial line that already fills it, since its newline could no longer fit. Lines are
/// found by <see cref="DelimitedFramer"/>'s line search, the one definition of a line.
/// </summary>
/// <remarks>
/// A line must reach its newline within <see cref="ServiceOptions.LineTimeout"/> of its first byte, and the first
/// line within that time of the connection's start (nginx's <c>client_header_timeout</c> counts the same way).
/// Answering a partial line after <see cref="ServiceOptions.LineFlush"/> does not end it: a dribbler would otherwise
/// send one byte per flush and never be cut. Between lines only the idle timeout applies.
/// </remarks>
public sealed class TimestampService(ServiceOptions options) : IStreamHandler, IDatagramHandler
{
    // MaxLine counts the newline; the framer's limit is the payload without it.
    private readonly DelimitedFramer _lines = DelimitedFramer.NewLine(Math.Max(0, options.MaxLine - 1));

    /// <summary>The <c>[time]: </c> prefix for now, in the format of Python's <c>time.ctime()</c>.</summary>
    public byte[] CurrentPrefix()
    {
        var now = options.TimeProvider.GetLocalNow();
        var text = string.Create(CultureInfo.InvariantCulture, $"[{now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}]: ");
        return Encoding.ASCII.GetBytes(text);
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var input = connection.Input;
        var output = connection.Output;
        connection.BeginMessage(options.LineTimeout);
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            LineScan scan;
            while ((scan = _lines.Scan(buffer, out _, out var next)) == LineScan.Found)
            {
                connection.EndMessage();
                Answer(output, buffer.Slice(0, next)); // the line keeps its own ending
                buffer = buffer.Slice(next);
            }

            if (scan == LineScan.TooLong)
            {
                await RefuseLongLineAsync(connection, cancellationToken);
                return;
            }

            if (!buffer.IsEmpty)
            {
                connection.BeginMessage(options.LineTimeout); // keeps the start of a line already under way
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    Answer(output, buffer);
                }

                await output.FlushAsync(cancellationToken);
                return;
            }

            if (!buffer.IsEmpty && !await connection.WaitForInputAsync(options.LineFlush, cancellationToken))
            {
                Answer(output, buffer); // a quiet spell: answer the partial line as it stands
                buffer = buffer.Slice(buffer.End);
            }

            await output.FlushAsync(cancellationToken);
            input.AdvanceTo(buffer.Start, result.Buffer.End);
        }
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        var prefix = CurrentPrefix();
        var reply = new byte[prefix.Length + datagram.Payload.Length];
        prefix.CopyTo(reply, 0);
        datagram.Payload.Span.CopyTo(reply.AsSpan(prefix.Length));
        await datagram.ReplyAsync(reply, cancellationToken);
    }

    private void Answer(PipeWriter output, in ReadOnlySequence<byte> line)
    {
        output.Write(CurrentPrefix());
        foreach (var segment in line)
        {
            output.Write(segment.Span);
        }
    }

    private async ValueTask RefuseLongLineAsync(Connection connection, CancellationToken cancellationToken)
    {
        connection.TrySetCloseReason(CloseReason.Limit);
        var message = string.Create(CultureInfo.InvariantCulture, $"error: line longer than {options.MaxLine} bytes; closing\r\n");
        await connection.Output.WriteAsync(Encoding.ASCII.GetBytes(message), cancellationToken);
    }
}
