using System.Net.Sockets;
using Switchboard.Client;

namespace Switchboard.Cli.Bench;

/// <summary>Connecting a load client, with a failure turned into one clear line.</summary>
internal static class BenchConnect
{
    /// <summary>The client library's connect timeout (10 s, ncat's), as <c>connect -w</c> defaults to.</summary>
    public static readonly TimeSpan Timeout = new ClientOptions().ConnectTimeout;

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
