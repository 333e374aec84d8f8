using System.Diagnostics;
using System.Text;

namespace Switchboard.Tests.Samples;

/// <summary>
/// A sample program run as a child process (<c>dotnet samples/NAME/bin/CONFIG/TFM/NAME.dll</c>): its output lines,
/// its standard input, its exit code. The test project references every sample, so they are built first.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Collect(e.Data, _stdoutClosed, line => _stdout.Add(line));
        process.ErrorDataReceived += (_, e) => Collect(e.Data, _stderrClosed, line => _stderr.AppendLine(line));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout];
            }
        }
    }

    public string Output => string.Join('\n', OutputLines);

    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public StreamWriter Input => _process.StandardInput;

    /// <summary>
    /// Where the build put a sample: the same configuration and framework folders as this test assembly's, under
    /// the sample's own project folder.
    /// </summary>
    public static string PathOf(string sample)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"no Switchboard.slnx above {AppContext.BaseDirectory}");
        }

        var testProject = Path.Combine(directory.FullName, "tests", "Switchboard.Tests");
        var outputFolder = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        var path = Path.Combine(directory.FullName, "samples", sample, outputFolder, sample + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"sample {sample} is not built", path);
    }

    public static SampleProcess Start(string sample, params string[] arguments) => StartProgram("dotnet", [PathOf(sample), .. arguments]);

    /// <summary>Starts the Python listing <paramref name="script"/> (<c>python3 -u -c</c>), the real peer of a sample.</summary>
    public static SampleProcess StartPython(string script, params string[] arguments) => StartProgram("python3", ["-u", "-c", script, .. arguments]);

    private static SampleProcess StartProgram(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program)
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

        return new SampleProcess(Process.Start(info)!);
    }

    /// <summary>Runs a sample to its end with <paramref name="input"/> on standard input.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string sample, string input, params string[] arguments)
    {
        await using var process = Start(sample, arguments);
        await process.Input.WriteAsync(input);
        process.Input.Close();
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output, process.Error);
    }

    /// <summary>Starts a server sample and returns it with the address from its "listening on SCHEME://ADDRESS" line.</summary>
    public static Task<(SampleProcess Process, string Address)> StartServerAsync(string sample, params string[] arguments) =>
        WaitForListeningAsync(Start(sample, arguments), sample);

    /// <summary>Waits for a server's "listening on SCHEME://ADDRESS" line and returns the address.</summary>
    public static async Task<(SampleProcess Process, string Address)> WaitForListeningAsync(SampleProcess process, string sample)
    {
        var line = await process.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal));
        if (line is null)
        {
            var error = process.Error;
            await process.DisposeAsync();
            throw new InvalidOperationException($"{sample} did not start: {error}");
        }

        var uri = line["listening on ".Length..];
        return (process, uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..]);
    }

    /// <summary>Waits for an output line matching <paramref name="match"/>; null if the process ends or 60 s pass first.</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var line = OutputLines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await _stdoutClosed.Task;
                return OutputLines.FirstOrDefault(match);
            }

            await Task.Delay(25);
        }

        return null;
    }

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
}
