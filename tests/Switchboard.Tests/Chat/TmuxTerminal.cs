using System.Diagnostics;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>
/// A program in a detached tmux pane on a private tmux server: keys in with <c>send-keys</c>, the screen out with
/// <c>capture-pane</c>. How a test drives an interactive terminal client such as Debian's <c>telnet</c>.
/// </summary>
public sealed class TmuxTerminal : IDisposable
{
    private readonly string _socket = "sb-chat-" + Guid.NewGuid().ToString("N")[..8];

    private TmuxTerminal()
    {
    }

    /// <summary>Starts <paramref name="shellCommand"/> in a 200×50 pane; the pane stays after it exits.</summary>
    public static async Task<TmuxTerminal> StartAsync(string shellCommand)
    {
        var terminal = new TmuxTerminal();
        await terminal.TmuxAsync("new-session", "-d", "-x", "200", "-y", "50", shellCommand + "; echo '[exited]'; sleep 120");
        return terminal;
    }

    /// <summary>Types <paramref name="text"/> literally, then Enter.</summary>
    public async Task TypeLineAsync(string text)
    {
        await TmuxAsync("send-keys", "-t", "0", "-l", text);
        await TmuxAsync("send-keys", "-t", "0", "Enter");
    }

    /// <summary>Sends tmux key names as they are (e.g. <c>C-]</c>).</summary>
    public Task KeysAsync(params string[] keys) => TmuxAsync(["send-keys", "-t", "0", .. keys]);

    /// <summary>The pane's text now, history included.</summary>
    public Task<string> ScreenAsync() => TmuxAsync("capture-pane", "-p", "-J", "-S", "-200", "-t", "0");

    /// <summary>Waits until the screen contains <paramref name="text"/>; fails with the screen after <see cref="TestTimeouts.Io"/>.</summary>
    public async Task<string> WaitForAsync(string text)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Io;
        while (true)
        {
            var screen = await ScreenAsync();
            if (screen.Contains(text, StringComparison.Ordinal))
            {
                return screen;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"'{text}' never appeared on the terminal:\n{screen}");
            }

            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        using var kill = Process.Start(new ProcessStartInfo("tmux", ["-L", _socket, "kill-server"]) { RedirectStandardError = true });
        kill?.WaitForExit(5000);
    }

    private async Task<string> TmuxAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-L");
        info.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"tmux {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }
}
