namespace Switchboard.Cli.Relay;

/// <summary>When bytes last moved either way, for <c>--idle</c> and the datagram quiet spell.</summary>
internal sealed class ActivityClock
{
    private long _last = Environment.TickCount64;

    public void Touch() => Volatile.Write(ref _last, Environment.TickCount64);

    /// <summary>Completes once nothing has moved for <paramref name="limit"/>.</summary>
    public async Task QuietForAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var limitMs = (long)limit.TotalMilliseconds;
        while (true)
        {
            var remaining = Volatile.Read(ref _last) + limitMs - Environment.TickCount64;
            if (remaining <= 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(remaining), cancellationToken);
        }
    }
}
