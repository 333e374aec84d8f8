using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>
/// A chat member that reads as fast as a socket allows: 64 KiB receives split into lines by hand, one timeout for a
/// whole run of reads instead of one per line (<see cref="ChatClient"/> is the convenient one; this one keeps up
/// with a paste at megabytes a second on a loaded machine).
/// </summary>
public sealed class ChatLineSocket : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private ChatLineSocket(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<ChatLineSocket> JoinAsync(EndpointUri endpoint, string nick)
    {
        var target = endpoint.ToEndPoint();
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        await socket.ConnectAsync(target, timeout.Token);
        var member = new ChatLineSocket(socket);
        await socket.SendAllAsync(Encoding.ASCII.GetBytes(nick + "\n"));
        while (!(await member.ReadLineAsync(timeout.Token)).StartsWith($"*** Hello {nick}.", StringComparison.Ordinal))
        {
        }

        return member;
    }

    /// <summary>The next line, CR LF removed; fails on end of stream or when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }

            _end += read;
        }
    }

    public void Dispose() => Socket.Dispose();
}
