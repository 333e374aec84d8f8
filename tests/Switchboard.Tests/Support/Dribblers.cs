using System.Net;
using System.Net.Sockets;

namespace Switchboard.Tests.Support;

/// <summary>
/// A slowloris attack: many connections, each sending one byte at connect and one every 3 s, never a newline.
/// Connections the server closes are not replaced. Disposing ends the attack and closes them all.
/// </summary>
public sealed class Dribblers : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private readonly List<Socket> _sockets;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    private Dribblers(List<Socket> sockets)
    {
        _sockets = sockets;
        _loop = Task.Run(DribbleAsync);
    }

    /// <summary>Completes once every connection has sent its second byte, one interval after its first.</summary>
    public Task FirstRoundDone => _firstRound.Task;

    /// <summary>Connects <paramref name="count"/> dribblers (50 at a time) and starts dribbling.</summary>
    public static async Task<Dribblers> StartAsync(IPEndPoint target, int count)
    {
        var sockets = new List<Socket>();
        for (var batch = 0; batch < count; batch += 50)
        {
            var connecting = Enumerable.Range(0, Math.Min(50, count - batch)).Select(async _ =>
            {
                var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.ConnectAsync(target, timeout.Token);
                    await socket.SendAsync("a"u8.ToArray(), SocketFlags.None, timeout.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // refused or closed at once: an attacker would try again; this one just stays closed
                }

                return socket;
            });
            sockets.AddRange(await Task.WhenAll(connecting));
        }

        return new Dribblers(sockets);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _stop.Dispose();
    }

    private async Task DribbleAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, _stop.Token);
                foreach (var socket in _sockets)
                {
                    try
                    {
                        // Non-blocking: one byte always fits the send buffer; a closed one fails at once.
                        socket.Send("b"u8, SocketFlags.None, out _);
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }

                _firstRound.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
