using System.Net.Sockets;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One closed-loop echo connection, driven by its <see cref="EchoWorker"/>'s thread: keeps <c>inFlight</c>
/// messages outstanding, checks every returned byte against the <see cref="BytePattern"/>, and times each message
/// from the start of its send to the arrival of its last byte. Nothing is allocated per message.
/// </summary>
internal sealed class EchoClient
{
    private readonly Socket _socket;
    private readonly BytePattern _pattern;
    private readonly int _size;
    private readonly long[] _sendTimes; // ring: send time of each message in flight
    private long _messagesStarted;
    private long _messagesCompleted;
    private long _bytesSent;
    private long _bytesReceived;
    private int _unsentOfCurrent;
    private int _receivedOfCurrent;

    public EchoClient(Socket socket, BytePattern pattern, int size, int inFlight)
    {
        _socket = socket;
        _pattern = pattern;
        _size = size;
        _sendTimes = new long[inFlight];
        socket.Blocking = false;
    }

    public nint Handle => _socket.Handle;

    /// <summary>Why the connection failed, or null while it works.</summary>
    public string? Failure { get; private set; }

    /// <summary>Reads what arrived, then sends while the window allows; false when the connection failed.</summary>
    public bool Pump(EchoWorker worker, byte[] receiveBuffer, bool sending)
    {
        if (Failure is null)
        {
            Receive(worker, receiveBuffer);
        }

        if (Failure is null && sending)
        {
            Send();
        }

        return Failure is null;
    }

    public void Close() => _socket.Dispose();

    private void Receive(EchoWorker worker, byte[] buffer)
    {
        while (true)
        {
            var n = _socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return;
            }

            if (error != SocketError.Success)
            {
                Failure = $"receive failed: {error}";
                return;
            }

            if (n == 0)
            {
                Failure = "the server closed the connection";
                return;
            }

            if (_bytesReceived + n > _bytesSent)
            {
                Failure = "the server sent more bytes than it was sent";
                return;
            }

            if (!buffer.AsSpan(0, n).SequenceEqual(_pattern.At(_bytesReceived, n)))
            {
                Failure = $"wrong byte within offset {_bytesReceived}..{_bytesReceived + n} of the stream";
                return;
            }

            _bytesReceived += n;
            _receivedOfCurrent += n;
            if (_receivedOfCurrent >= _size)
            {
                var now = BenchClock.Now;
                while (_receivedOfCurrent >= _size)
                {
                    _receivedOfCurrent -= _size;
                    worker.OnMessage(now, now - _sendTimes[_messagesCompleted % _sendTimes.Length], _size);
                    _messagesCompleted++;
                }
            }

            if (n < buffer.Length)
            {
                return; // the socket is drained; edge-triggered epoll will say when more arrives
            }
        }
    }

    private void Send()
    {
        while (_unsentOfCurrent > 0 || _messagesStarted - _messagesCompleted < _sendTimes.Length)
        {
            if (_unsentOfCurrent == 0)
            {
                _sendTimes[_messagesStarted % _sendTimes.Length] = BenchClock.Now;
                _messagesStarted++;
                _unsentOfCurrent = _size;
            }

            var n = _socket.Send(_pattern.At(_bytesSent, _unsentOfCurrent), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return;
            }

            if (error != SocketError.Success)
            {
                Failure = $"send failed: {error}";
                return;
            }

            _bytesSent += n;
            _unsentOfCurrent -= n;
        }
    }
}
