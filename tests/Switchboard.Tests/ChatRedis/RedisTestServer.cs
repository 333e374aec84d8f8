using System.Diagnostics;
using System.Runtime.InteropServices;
using StackExchange.Redis;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.ChatRedis;

/// <summary>
/// A real <c>redis-server</c> of the test's own on a Unix socket in a temporary directory (no TCP port at all:
/// <c>--port 0</c>), without persistence, so a restart comes back empty as a lost Redis would. Stop and start it
/// again on the same socket to take Redis away mid-chat.
/// </summary>
public sealed partial class RedisTestServer : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private Process? _process;

    private RedisTestServer()
    {
        SocketPath = _directory.File("redis.sock");
    }

    public string SocketPath { get; }

    /// <summary>The backplane address, as <c>--backplane</c> takes it.</summary>
    public string Uri => "unix://" + SocketPath;

    public static async Task<RedisTestServer> StartAsync()
    {
        var server = new RedisTestServer();
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts redis-server (again) and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--port", "0", "--unixsocket", SocketPath, "--save", "", "--appendonly", "no", "--dir", _directory.Path])
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TestTimeouts.Io;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(SocketPath))
            {
                try
                {
                    await using var probe = await ConnectAsync();
                    await probe.GetDatabase().PingAsync();
                    return;
                }
                catch (RedisConnectionException)
                {
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("redis-server did not answer PING");
    }

    /// <summary>Stops redis-server at once (SIGKILL: no goodbye to its clients, as a lost machine).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            File.Delete(SocketPath);
        }

        _process = null;
    }

    /// <summary>
    /// Freezes redis-server (SIGSTOP): its sockets stay open and take what the kernel buffers, and nothing is
    /// answered, as a Redis stuck in a long command or a swapped-out machine; <see cref="Resume"/> thaws it.
    /// </summary>
    public void Pause() => Send(19);

    /// <summary>Thaws a paused redis-server (SIGCONT): it answers everything that waited, in order.</summary>
    public void Resume() => Send(18);

    /// <summary>A client of the test's own, for looking at what the servers wrote.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = new ConfigurationOptions { AbortOnConnectFail = true };
        options.EndPoints.Add(new System.Net.Sockets.UnixDomainSocketEndPoint(SocketPath));
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>How many clients subscribe to <paramref name="channel"/> now (PUBSUB NUMSUB).</summary>
    public async Task<long> SubscribersAsync(string channel)
    {
        await using var client = await ConnectAsync();
        var reply = await client.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel);
        return (long)((RedisResult[])reply!)[1];
    }

    private void Send(int signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running");
        if (kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Resume(); // a paused server would not die of SIGKILL before SIGCONT on every kernel; be sure
        }

        await StopAsync();
        _directory.Dispose();
    }
}
