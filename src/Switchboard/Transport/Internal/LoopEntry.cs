using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>The awaitable of <see cref="SelectLoop.Enter"/>: complete on the loop thread, else the continuation is posted there.</summary>
internal readonly struct LoopEntry(SelectLoop loop) : ICriticalNotifyCompletion
{
    private static readonly SendOrPostCallback RunContinuation = static state => ((Action)state!)();

    public bool IsCompleted => loop.IsOnLoopThread;

    public LoopEntry GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => loop.Post(RunContinuation, continuation);

    public void UnsafeOnCompleted(Action continuation) => loop.Post(RunContinuation, continuation);
}
