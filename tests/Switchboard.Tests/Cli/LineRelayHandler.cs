using System.Buffers;
using System.Collections.Concurrent;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Tests.Cli;

/// <summary>
/// The smallest line-relaying chat server, for testing <c>switchboard bench chat</c> before our chat service
/// exists: every complete line a member sends goes to every other member, prefixed <c>&lt;nick&gt; </c>. With
/// <c>askNick</c> the first line is the member's nick (as switchboard's chat asks), otherwise members are
/// <c>userN</c> (as ncat --chat names them). Writes to one member are serialised by a lock per member.
/// </summary>
public sealed class LineRelayHandler(bool askNick) : IStreamHandler
{
    private readonly ConcurrentDictionary<Connection, SemaphoreSlim> _members = new();
    private int _next;
    private int _linesRelayed;

    /// <summary>Lines relayed so far (each to every other member).</summary>
    public int LinesRelayed => Volatile.Read(ref _linesRelayed);

    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        var nick = askNick ? null : $"user{Interlocked.Increment(ref _next)}";
        using var gate = new SemaphoreSlim(1);
        try
        {
            if (!askNick)
            {
                _members[connection] = gate;
            }

            while (true)
            {
                var result = await connection.Input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end).ToArray();
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (nick is null)
                    {
                        nick = System.Text.Encoding.ASCII.GetString(line).TrimEnd('\r');
                        _members[connection] = gate;
                        continue;
                    }

                    await RelayAsync(connection, [.. System.Text.Encoding.ASCII.GetBytes($"<{nick}> "), .. line, (byte)'\n'], cancellationToken);
                }

                connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            _members.TryRemove(connection, out _);
        }
    }

    private async Task RelayAsync(Connection from, byte[] line, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _linesRelayed);
        foreach (var (member, gate) in _members)
        {
            if (member == from)
            {
                continue;
            }

            await gate.WaitAsync(cancellationToken);
            try
            {
                await member.Output.WriteAsync(line, cancellationToken);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                // That member is leaving; its own handler ends it.
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
