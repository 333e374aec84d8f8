using System.Diagnostics;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>A Debian peer (nc, socat) run as a process with raw stdin and stdout.</summary>
public sealed class ExternalTool : IAsyncDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _stdout = new();
    private readonly Task _copying;
    private readonly Task<string> _stderr;

    private ExternalTool(Process process)
    {
        _process = process;
        _copying = process.StandardOutput.BaseStream.CopyToAsync(_stdout);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <paramref name="file"/>; fails the test with a clear message if the tool is not installed.</summary>
    public static ExternalTool Start(string file, params string[] arguments)
    {
        try
        {
            return new ExternalTool(Process.Start(ChildProcess.Redirected(file, arguments))!);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is not installed (.ci/run installs it): {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="data"/> to its stdin, and closes stdin when <paramref name="close"/>.</summary>
    public async Task WriteAsync(byte[] data, bool close = true)
    {
        await _process.StandardInput.BaseStream.WriteAsync(data);
        await _process.StandardInput.BaseStream.FlushAsync();
        if (close)
        {
            _process.StandardInput.Close();
        }
    }

    /// <summary>Waits for it to exit; returns the exit code, stdout and stderr.</summary>
    public async Task<(int ExitCode, byte[] Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _copying.WaitAsync(cts.Token);
        return (_process.ExitCode, _stdout.ToArray(), await _stderr.WaitAsync(cts.Token));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
