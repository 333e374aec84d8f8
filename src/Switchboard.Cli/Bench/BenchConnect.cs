using System.Net.Sockets;

namespace Switchboard.Cli.Bench;

/// <summary>Connecting a load client, with a failure turned into one clear line.</summary>
internal static class BenchConnect
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Connects to <paramref name="target"/>; throws <see cref="BenchConnectException"/> on failure.</summary>
    public static async Task<Socket> ConnectAsync(BenchTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return await target.ConnectAsync(Timeout, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new BenchConnectException($"cannot connect to {target.Uri}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchConnectException($"cannot connect to {target.Uri}: no answer within {Timeout.TotalSeconds:F0} s");
        }
    }
}
