using System.Threading.RateLimiting;

namespace Switchboard.Chat.Internal;

/// <summary>
/// The per-member line rate: a token bucket (<see cref="TokenBucketRateLimiter"/>) of <c>burst</c> tokens refilled
/// at <c>rate</c> per second. Waiting here means the session does not read its socket, so TCP pushes back on the
/// flooder and on nobody else. Replenished on demand rather than by the limiter's own timer: ten thousand mostly
/// idle members would otherwise mean ten thousand timers ticking ten times a second.
/// </summary>
internal sealed class LineRateGate : IDisposable
{
    private readonly TokenBucketRateLimiter? _limiter;
    private readonly TimeSpan _period;

    public LineRateGate(int ratePerSecond, int burst)
    {
        if (ratePerSecond <= 0)
        {
            return;
        }

        _period = TimeSpan.FromTicks(Math.Max(1, TimeSpan.TicksPerSecond / ratePerSecond));
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _period,
            AutoReplenishment = false,
            QueueLimit = 0,
        });
    }

    /// <summary>Completes when the member may send its next line.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken) =>
        _limiter is null || TryTake() ? ValueTask.CompletedTask : WaitSlowlyAsync(cancellationToken);

    public void Dispose() => _limiter?.Dispose();

    private bool TryTake()
    {
        _limiter!.TryReplenish();
        using var lease = _limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    private async ValueTask WaitSlowlyAsync(CancellationToken cancellationToken)
    {
        do
        {
            // Not ConfigureAwait(false): under the select and thread models the session must stay on its thread.
            await Task.Delay(_period, cancellationToken);
        }
        while (!TryTake());
    }
}
