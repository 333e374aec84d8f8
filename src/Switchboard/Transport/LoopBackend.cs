namespace Switchboard.Transport;

/// <summary>
/// How an event loop waits for socket readiness (the select and sequential models, and the async model's loops).
/// Every backend serves the same loop and the same handlers; they differ only in what a wake-up costs.
/// </summary>
public enum LoopBackend
{
    /// <summary>
    /// The environment variable <c>SWITCHBOARD_LOOP_BACKEND</c> (<c>epoll</c> or <c>poll</c>) when it is set, else
    /// epoll on Linux and poll(2) elsewhere. Off Linux the async model then keeps the runtime's socket engine.
    /// </summary>
    Default,

    /// <summary>
    /// Linux epoll, edge-triggered: each socket is registered once and a wake-up costs O(ready sockets). Linux only.
    /// </summary>
    Epoll,

    /// <summary>
    /// poll(2) over the sockets with a pending wait: O(waiting sockets) per wake-up, on every system. Chosen
    /// explicitly, the async model runs on event loops over it too (on Linux and elsewhere).
    /// </summary>
    Poll,
}
