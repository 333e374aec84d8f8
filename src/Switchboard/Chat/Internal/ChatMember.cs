using System.Buffers;
using System.Threading.Channels;
using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>
/// One connection's side of the chat: a queue bounded in bytes and messages, drained by the member's own writer
/// loop onto <see cref="Connection.Output"/>. Everything for this member — other members' lines, notices, telnet
/// answers — goes through <see cref="Deliver"/>, so only the writer loop ever writes to the socket. Overflow means
/// the member does not read: it is told (best effort, after what is already queued), its session stops, and the
/// connection is reset after <see cref="ChatOptions.CloseTimeout"/> if the farewell has not gone by then. The
/// sender that overflowed it never waits.
/// </summary>
internal sealed class ChatMember : IChatMember, IDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Connection _connection;
    private readonly ChatOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly Channel<ChatMessage> _queue = Channel.CreateUnbounded<ChatMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private long _queuedBytes;
    private int _queuedMessages;
    private int _closed;
    private int _overflowed;
    private volatile bool _finished;
    private Task? _writer;

    public ChatMember(Connection connection, ChatOptions options, ChatMetrics metrics)
    {
        _connection = connection;
        _options = options;
        _metrics = metrics;
    }

    /// <summary>Fires when the member is closing (quit, overflow, server stop, lost connection): stop reading.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Why the member is leaving when it was not its own doing (<c>too slow</c>); null otherwise.</summary>
    public string? LeaveReason { get; private set; }

    /// <summary>Starts the writer loop beside the session's reading, where the connection's model wants it.</summary>
    public void Start() => _writer = _connection.StartBesideHandler(WriteLoopAsync);

    /// <inheritdoc/>
    public void Deliver(ChatMessage message)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        var bytes = Interlocked.Add(ref _queuedBytes, message.Bytes.Length);
        var count = Interlocked.Increment(ref _queuedMessages);
        if (bytes > _options.MaxQueuedBytes || count > _options.MaxQueuedMessages)
        {
            Overflow();
            return;
        }

        _queue.Writer.TryWrite(message);
    }

    /// <summary>
    /// Stops the member: <paramref name="farewell"/> (if any) is queued last, past the limits; the writer sends what
    /// is queued, then half-closes; the session's reading stops. Safe to call more than once; the first call wins.
    /// </summary>
    public void Close(ChatMessage? farewell, string? leaveReason = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        LeaveReason ??= leaveReason;
        if (farewell is { } last)
        {
            _queue.Writer.TryWrite(last);
        }

        _queue.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A registration threw; the member is closing regardless.
        }

        // A peer that does not read would hold the writer (and so the slot) forever: reset it after the grace time.
        _ = Task.Delay(_options.CloseTimeout).ContinueWith(
            static (_, state) => ((ChatMember)state!).AbortIfUnfinished(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Waits for the writer loop to end (after <see cref="Close"/>) and marks the member finished.</summary>
    public async ValueTask FinishAsync()
    {
        Close(null);
        try
        {
            await _writer!;
        }
        finally
        {
            _finished = true;
        }
    }

    public void Dispose() => _closing.Dispose();

    private void Overflow()
    {
        if (Volatile.Read(ref _closed) != 0 || Interlocked.Exchange(ref _overflowed, 1) != 0)
        {
            return;
        }

        _metrics.QueueOverflowed();
        _connection.TrySetCloseReason(CloseReason.Limit);
        Close(ChatFormat.TooSlow(_options.MaxQueuedBytes, _options.MaxQueuedMessages), "too slow");
    }

    private void AbortIfUnfinished()
    {
        if (!_finished)
        {
            _connection.TrySetCloseReason(CloseReason.Limit);
            _connection.Abort();
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var output = _connection.Output;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var message))
                {
                    Interlocked.Add(ref _queuedBytes, -message.Bytes.Length);
                    Interlocked.Decrement(ref _queuedMessages);
                    output.Write(message.Bytes.Span);
                    if (output.UnflushedBytes >= FlushThreshold)
                    {
                        await output.FlushAsync(_connection.Aborted);
                    }
                }

                await output.FlushAsync(_connection.Aborted);
            }

            await _connection.ShutdownOutputAsync(_connection.Aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionException)
        {
            // The peer is gone or the connection was reset: nothing more can reach it.
            Close(null, "connection lost");
        }
    }
}
