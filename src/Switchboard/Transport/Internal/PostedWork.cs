namespace Switchboard.Transport.Internal;

/// <summary>
/// The queue of work posted to a <see cref="SelectLoop"/>, from any thread. Two lists swapped under a lock: the loop
/// runs one batch while new posts land in the other, and nothing is allocated per post. Once closed it takes no more.
/// </summary>
internal sealed class PostedWork
{
    private readonly Lock _lock = new();
    private List<(SendOrPostCallback Callback, object? State)> _posted = [];
    private List<(SendOrPostCallback Callback, object? State)> _running = [];
    private volatile bool _closed;

    /// <summary>True once closed: nothing posted now runs on the loop.</summary>
    public bool IsClosed => _closed;

    public bool HasWork
    {
        get
        {
            lock (_lock)
            {
                return _posted.Count > 0;
            }
        }
    }

    /// <summary>Queues <paramref name="callback"/>; false once closed.</summary>
    public bool TryAdd(SendOrPostCallback callback, object? state)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _posted.Add((callback, state));
            return true;
        }
    }

    /// <summary>Runs everything queued, and what that work queues meanwhile, until the queue is empty.</summary>
    public void RunAll(SelectLoop loop)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_posted.Count == 0)
                {
                    return;
                }

                (_posted, _running) = (_running, _posted);
            }

            foreach (var (callback, state) in _running)
            {
                loop.RunOne(callback, state);
            }

            _running.Clear();
        }
    }

    /// <summary>
    /// Closes the queue if it is empty, under the lock: a post either lands in a queue still run or sees it closed.
    /// False when work is queued (run it, then try again).
    /// </summary>
    public bool TryClose()
    {
        lock (_lock)
        {
            if (_posted.Count > 0)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }
}
