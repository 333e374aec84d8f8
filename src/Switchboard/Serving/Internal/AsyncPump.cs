namespace Switchboard.Serving.Internal;

/// <summary>
/// Runs async handler code to completion on the calling thread: the thread-per-connection model's thread. With
/// blocking socket I/O every await completes at once; anything that does not (a timer) posts its continuation
/// back here, so the handler never leaves its thread.
/// </summary>
internal sealed class AsyncPump : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly object _lock = new(); // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private bool _done;

    public static void Run(Func<ValueTask> work)
    {
        var previous = Current;
        var pump = new AsyncPump();
        SetSynchronizationContext(pump);
        try
        {
            var pending = work();
            if (!pending.IsCompleted)
            {
                var task = pending.AsTask();
                task.ContinueWith(_ => pump.Finish(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                pump.RunUntilDone();
                task.GetAwaiter().GetResult();
            }
            else
            {
                pending.GetAwaiter().GetResult();
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    public override SynchronizationContext CreateCopy() => this;

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_lock)
        {
            _queue.Enqueue((d, state));
            Monitor.Pulse(_lock);
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Send is not supported on a connection thread");

    private void Finish()
    {
        lock (_lock)
        {
            _done = true;
            Monitor.Pulse(_lock);
        }
    }

    private void RunUntilDone()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) next;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_done)
                {
                    Monitor.Wait(_lock);
                }

                if (_queue.Count == 0)
                {
                    return;
                }

                next = _queue.Dequeue();
            }

            next.Callback(next.State);
        }
    }
}
