namespace Switchboard.Serving;

/// <summary>Where handler code runs: the four ways the socket tutorials serve clients.</summary>
public enum ConcurrencyModel
{
    /// <summary>
    /// async/await on the thread pool with the runtime's epoll engine: the scalable default.
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
    /// built on poll(2), so without select's 1,024-descriptor ceiling.
    /// </summary>
    Select,
}
