namespace Switchboard.Cli.Bench;

/// <summary>A load's own thread (background, named: it drives sockets through epoll and blocks in its waits), as a task.</summary>
internal static class BenchThread
{
    /// <summary>Runs <paramref name="body"/> on a new thread; the task ends with it, faulted if it threw.</summary>
    public static Task Start(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                body();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }
}
