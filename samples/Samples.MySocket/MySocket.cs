using System.IO.Pipelines;
using System.Net.Sockets;
using Switchboard.Framing;

namespace Samples.MySocket;

/// <summary>
/// The socket HOWTO's <c>MySocket</c>: messages of exactly <see cref="MessageLength"/> bytes. The HOWTO loops on
/// <c>send</c> and <c>recv</c> by hand and copies chunks together; here pipes do the buffering and a
/// <see cref="FixedLengthFramer"/> cuts the stream, so a short <c>recv</c> can never yield a short message, and a
/// connection that breaks mid-message is an error instead of a silently shortened message.
/// </summary>
internal sealed class MySocket : IAsyncDisposable
{
    public const int MessageLength = 32;

    private static readonly FixedLengthFramer Framer = new(MessageLength);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;

    private MySocket(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new FrameReader(PipeReader.Create(_stream), Framer);
        _writer = new FrameWriter(PipeWriter.Create(_stream), Framer);
    }

    public static async Task<MySocket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            return new MySocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>mysend: the whole message goes out, or an exception says why.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        await _writer.WriteAsync(message, cancellationToken);

    /// <summary>myreceive: exactly one message, or null when the peer closed cleanly between messages.</summary>
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken) =>
        await _reader.ReadAsync(cancellationToken) is { } frame ? System.Buffers.BuffersExtensions.ToArray(frame) : null;

    /// <summary>Half-closes: the peer's receive sees the end once it has every message.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
    }
}
