using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>A chat member on a real socket: sends lines, reads lines (CR LF stripped) with a timeout.</summary>
public sealed class ChatClient : IDisposable
{
    private readonly StreamReader _reader;

    private ChatClient(Socket socket)
    {
        Socket = socket;
        _reader = new StreamReader(new NetworkStream(socket, ownsSocket: false), new UTF8Encoding(false));
    }

    public Socket Socket { get; }

    public string? Nick { get; private set; }

    /// <summary>Connects and reads the greeting and the nick prompt.</summary>
    public static async Task<ChatClient> ConnectAsync(EndpointUri endpoint, Action<Socket>? configure = null)
    {
        var target = endpoint.ToEndPoint();
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        configure?.Invoke(socket);
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        await socket.ConnectAsync(target, timeout.Token);
        var client = new ChatClient(socket);
        await client.ExpectAsync(l => l.StartsWith("*** Choose a nick", StringComparison.Ordinal));
        return client;
    }

    /// <summary>Connects, chooses <paramref name="nick"/>, and waits for the welcome.</summary>
    public static async Task<ChatClient> JoinAsync(EndpointUri endpoint, string nick, Action<Socket>? configure = null)
    {
        var client = await ConnectAsync(endpoint, configure);
        client.Nick = nick;
        await client.SendAsync(nick);
        await client.ExpectAsync(l => l.StartsWith($"*** Hello {nick}.", StringComparison.Ordinal));
        return client;
    }

    /// <summary>Sends <paramref name="line"/> with LF, as nc does (a CR LF would make the server take it for telnet).</summary>
    public Task SendAsync(string line) => Socket.SendAllAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public Task SendRawAsync(byte[] bytes) => Socket.SendAllAsync(bytes);

    /// <summary>The next line; fails on end of stream or after <see cref="TestTimeouts.Io"/>.</summary>
    public async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        return await _reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the server closed the connection");
    }

    /// <summary>The next line that is not someone else's join notice (those arrive whenever others join).</summary>
    public Task<string> ReadReplyAsync() =>
        ExpectAsync(l => !(l.StartsWith("*** ", StringComparison.Ordinal) && l.Split(' ') is [_, _, "joined", _]));

    /// <summary>Reads lines until one matches; returns it. Lines before it are added to <paramref name="skipped"/>.</summary>
    public async Task<string> ExpectAsync(Func<string, bool> match, List<string>? skipped = null)
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (match(line))
            {
                return line;
            }

            skipped?.Add(line);
        }
    }

    /// <summary>Reads lines until <paramref name="exact"/> arrives.</summary>
    public Task<string> ExpectAsync(string exact, List<string>? skipped = null) => ExpectAsync(l => l == exact, skipped);

    /// <summary>Every line until the server closes the connection.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public void Dispose()
    {
        _reader.Dispose();
        Socket.Dispose();
    }
}
