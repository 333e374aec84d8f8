namespace Switchboard.Transport.Internal;

/// <summary>
/// How a <see cref="SelectLoop"/> waits for sockets to become ready: Python's <c>selectors</c> under asyncio. The loop
/// schedules and keeps each socket's <see cref="ReadinessState"/>; a backend only watches descriptors and reports
/// what it saw through <see cref="ReadinessRegistration.Report"/>. Loop thread only. A new backend (io_uring, kqueue)
/// is one class implementing this plus a row in <see cref="ReadinessBackends"/>.
/// </summary>
/// <remarks>
/// The loop calls <see cref="Watch"/> only when <see cref="ReadinessRegistration.Interest"/> lacks the direction a
/// wait needs, so a backend that keeps its interest (epoll) is called once per socket, not per message, and the
/// per-message cost stays a field test. A backend that drops interest once it has reported (poll) is called per wait.
/// </remarks>
internal interface IReadinessBackend : IDisposable
{
    /// <summary>
    /// Starts reporting <paramref name="interest"/> for <paramref name="registration"/>, readiness that is already
    /// there included, and records it in <see cref="ReadinessRegistration.Interest"/>; false when the descriptor is gone.
    /// </summary>
    bool Watch(ReadinessRegistration registration, ReadinessEvents interest);

    /// <summary>A wait of <paramref name="interest"/> ended without a report (timeout, cancellation): stop if that matters.</summary>
    void Unwatch(ReadinessRegistration registration, ReadinessEvents interest);

    /// <summary>Forgets <paramref name="registration"/>; its socket may be closed already.</summary>
    void Remove(ReadinessRegistration registration);

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> (-1: until something happens) and reports every ready
    /// registration before returning; true when the loop's wake-up socket (given at creation) became readable.
    /// </summary>
    bool Wait(int timeoutMilliseconds);
}
