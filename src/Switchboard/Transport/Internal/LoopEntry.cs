using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The awaitable of <see cref="SelectLoop.Enter"/>: complete on the loop thread, else the continuation is posted there.
/// Once the loop has ended it fails with <see cref="SocketError.OperationAborted"/>.
/// </summary>
internal readonly struct LoopEntry(SelectLoop loop) : ICriticalNotifyCompletion
{
    private static readonly SendOrPostCallback RunContinuation = static state => ((Action)state!)();

    public bool IsCompleted => loop.IsOnLoopThread;

    public LoopEntry GetAwaiter() => this;

    public void GetResult()
    {
        // Resumed on the thread pool because the loop has ended (see SelectLoop.Post): the socket call that wanted
        // the loop fails as a torn-down connection instead of running on a thread that does not own the socket.
        if (!loop.IsOnLoopThread && loop.HasEnded)
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }
    }

    public void OnCompleted(Action continuation) => loop.Post(RunContinuation, continuation);

    public void UnsafeOnCompleted(Action continuation) => loop.Post(RunContinuation, continuation);
}
