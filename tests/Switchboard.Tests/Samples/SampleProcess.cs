using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>
/// A sample program run as a child process (<c>dotnet samples/NAME/bin/CONFIG/TFM/NAME.dll</c>): its output lines,
/// its standard input, its exit code. The test project references every sample, so they are built first.
/// </summary>
public sealed class SampleProcess : ChildProcess
{
    private SampleProcess(string program, string[] arguments)
        : base(program, arguments)
    {
    }

    /// <summary>The whole standard output so far, lines joined with <c>\n</c>.</summary>
    public string Output => string.Join('\n', StandardOutputLines);

    /// <summary>
    /// Where the build put a sample: the same configuration and framework folders as this test assembly's, under
    /// the sample's own project folder.
    /// </summary>
    public static string PathOf(string sample)
    {
        var testProject = RepositoryRoot.Combine("tests", "Switchboard.Tests");
        var outputFolder = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        var path = RepositoryRoot.Combine("samples", sample, outputFolder, sample + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"sample {sample} is not built", path);
    }

    public static SampleProcess Start(string sample, params string[] arguments) => StartProgram("dotnet", [PathOf(sample), .. arguments]);

    /// <summary>Starts the Python listing <paramref name="script"/> (<c>python3 -u -c</c>), the real peer of a sample.</summary>
    public static SampleProcess StartPython(string script, params string[] arguments) => StartProgram("python3", ["-u", "-c", script, .. arguments]);

    private static SampleProcess StartProgram(string program, string[] arguments) => new(program, arguments);

    /// <summary>Runs a sample to its end with <paramref name="input"/> on standard input.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string sample, string input, params string[] arguments)
    {
        await using var process = Start(sample, arguments);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output, process.StandardError);
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
            var error = process.StandardError;
            await process.DisposeAsync();
            throw new InvalidOperationException($"{sample} did not start: {error}");
        }

        var uri = line["listening on ".Length..];
        return (process, uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..]);
    }
}
