namespace Switchboard.Serving;

/// <summary>Where handler code runs: the four ways the socket tutorials serve clients.</summary>
public enum ConcurrencyModel
{
    /// <summary>
    /// async/await, the scalable default. On Linux, connections are spread over a few event loops (epoll, half
    /// the processors, <see cref="ServerOptions.AsyncLoops"/>) and each handler's code runs on its
    /// connection's loop, so it must not block the thread (await instead, or move blocking work to
    /// <see cref="Task.Run(System.Action)"/>). Elsewhere, the runtime's socket engine with handlers on the thread pool,
    /// unless a loop backend is chosen (<see cref="ServerOptions.LoopBackend"/>): then on loops over it, as on Linux.
    /// </summary>
    Async,

    /// <summary>
    /// One connection at a time on one thread; the next is accepted only when the current one ends
    /// (socketserver's <c>TCPServer</c>).
    /// </summary>
    Sequential,

    /// <summary>A dedicated thread per connection with blocking sockets (socketserver's <c>ThreadingMixIn</c>).</summary>
    Threads,

    /// <summary>
    /// One thread, non-blocking sockets and a readiness loop over all of them (the tutorials' <c>select</c> server),
    /// built on epoll on Linux and poll(2) elsewhere (<see cref="ServerOptions.LoopBackend"/>), so without select's
    /// 1,024-descriptor ceiling.
    /// </summary>
    Select,
}
