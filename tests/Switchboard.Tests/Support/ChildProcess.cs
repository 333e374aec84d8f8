using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.Tests.Support;

/// <summary>
/// A child process whose standard output is collected line by line and whose standard error is kept whole: the
/// shared runner under <see cref="CliProcess"/> (our tool) and <c>SampleProcess</c> (the samples, Python peers).
/// Standard input is a pipe the test may write to. Disposing kills it if it is still running.
/// </summary>
public partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdoutLines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts <paramref name="file"/> with <paramref name="arguments"/> and begins collecting its output.</summary>
    protected ChildProcess(string file, IEnumerable<string> arguments)
    {
        _process = Process.Start(Redirected(file, arguments))!;
        _process.OutputDataReceived += (_, e) => Collect(e.Data, _stdoutClosed, line => _stdoutLines.Add(line));
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, _stderrClosed, line => _stderr.AppendLine(line));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public StreamWriter StandardInput => _process.StandardInput;

    public IReadOnlyList<string> StandardOutputLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdoutLines];
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>How every child is started: all three standard streams redirected, no shell.</summary>
    public static ProcessStartInfo Redirected(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>
    /// Waits for an output line matching <paramref name="match"/>; null if the process ends or
    /// <paramref name="timeout"/> (60 s unless given) passes first.
    /// </summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var line = StandardOutputLines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await _stdoutClosed.Task;
                return StandardOutputLines.FirstOrDefault(match);
            }

            await Task.Delay(25);
        }

        return null;
    }

    /// <summary>Waits for the process to end and for its output to be read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (15 = SIGTERM, 2 = SIGINT).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Collect(string? line, TaskCompletionSource closed, Action<string> add)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_lock)
        {
            add(line);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
