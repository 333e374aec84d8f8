namespace Switchboard.Serving.Internal;

/// <summary>
/// How many connections fit under the open-file limit: the limit, less what is open at start, less a reserve for
/// the runtime and the application — the larger of <see cref="ServerOptions.DescriptorReserve"/> and a tenth of the
/// limit (Redis keeps 32; the runtime's own needs grow with threads, so a share of the limit too).
/// </summary>
internal readonly record struct ConnectionBudget(int Requested, int Effective, long? Limit, int OpenAtStart, int Reserve)
{
    public bool Lowered => Effective < Requested;

    public static ConnectionBudget Compute(int requested, int descriptorReserve, long? softLimit, int openNow)
    {
        if (softLimit is not { } limit || descriptorReserve == 0)
        {
            return new ConnectionBudget(requested, requested, softLimit, openNow, 0);
        }

        var reserve = (int)Math.Max(descriptorReserve, limit / 10);
        var room = limit - openNow - reserve;
        var effective = (int)Math.Clamp(room, 1, requested);
        return new ConnectionBudget(requested, effective, limit, openNow, reserve);
    }
}
