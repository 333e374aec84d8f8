using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Switchboard.Endpoints;

namespace Switchboard.Tests.Support;

/// <summary>
/// The <c>switchboard</c> tool run as a child process (<c>dotnet switchboard.dll …</c> from the test output, where
/// the project reference puts it), for what only a process shows: exit codes, stdout and stderr, signals.
/// </summary>
public sealed partial class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _stdoutLines = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdoutClosed.TrySetResult();
                return;
            }

            lock (_lock)
            {
                _stdoutLines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stderrClosed.TrySetResult();
                return;
            }

            lock (_lock)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "switchboard.dll");

    public int Id => _process.Id;

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

    /// <summary>Starts the tool with <paramref name="arguments"/>; standard input is a pipe the test may write to.</summary>
    public static CliProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ToolPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new CliProcess(Process.Start(info)!);
    }

    /// <summary>Starts <c>switchboard serve</c> and waits for its <paramref name="listeners"/> "listening on" lines.</summary>
    public static async Task<(CliProcess Process, IReadOnlyList<EndpointUri> Endpoints)> ServeAsync(int listeners, params string[] arguments)
    {
        var process = Start(["serve", .. arguments]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var lines = process.StandardOutputLines.Where(l => l.StartsWith("listening on ", StringComparison.Ordinal)).ToList();
            if (lines.Count >= listeners)
            {
                return (process, lines.Select(l => EndpointUri.Parse(l["listening on ".Length..])).ToList());
            }

            if (process._process.HasExited)
            {
                break;
            }

            await Task.Delay(25);
        }

        var stderr = process.StandardError;
        await process.DisposeAsync();
        throw new InvalidOperationException($"switchboard serve did not start: {stderr}");
    }

    /// <summary>Runs the tool to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var process = Start(arguments);
        process._process.StandardInput.Close();
        var code = await process.WaitForExitAsync(timeout);
        return (code, string.Join('\n', process.StandardOutputLines), process.StandardError);
    }

    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>Sends a POSIX signal (15 = SIGTERM, 2 = SIGINT).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to end and for its output to be read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        return _process.ExitCode;
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

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
