using Switchboard.Endpoints;

namespace Switchboard.Tests.Support;

/// <summary>
/// The <c>switchboard</c> tool run as a child process (<c>dotnet switchboard.dll …</c> from the tool's own build
/// output), for what only a process shows: exit codes, stdout and stderr, signals.
/// </summary>
public sealed partial class CliProcess : ChildProcess
{
    private CliProcess(string[] arguments)
        : base("dotnet", [ToolPath, .. arguments])
    {
    }

    /// <summary>
    /// The tool in its own project's output (same configuration and framework as this assembly), not the copy in the
    /// test output: the tests reference ASP.NET Core's shared framework, so the test output lacks the packages'
    /// assemblies (the logging abstractions) that the tool, on the base framework alone, loads from its folder.
    /// </summary>
    public static string ToolPath { get; } = ToolInItsOwnOutput();

    private static string ToolInItsOwnOutput()
    {
        var outputFolder = Path.GetRelativePath(RepositoryRoot.Combine("tests", "Switchboard.Tests"), AppContext.BaseDirectory);
        var path = RepositoryRoot.Combine("src", "Switchboard.Cli", outputFolder, "switchboard.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("the switchboard tool is not built", path);
    }

    /// <summary>Starts the tool with <paramref name="arguments"/>; standard input is a pipe the test may write to.</summary>
    public static CliProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Starts <c>switchboard serve</c> and waits for its <paramref name="listeners"/> "listening on" lines.</summary>
    public static async Task<(CliProcess Process, IReadOnlyList<EndpointUri> Endpoints)> ServeAsync(int listeners, params string[] arguments)
    {
        return await AwaitListeningAsync(Start(["serve", .. arguments]), listeners);
    }

    private static async Task<(CliProcess Process, IReadOnlyList<EndpointUri> Endpoints)> AwaitListeningAsync(CliProcess process, int listeners)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var lines = process.StandardOutputLines.Where(l => l.StartsWith("listening on ", StringComparison.Ordinal)).ToList();
            if (lines.Count >= listeners)
            {
                return (process, lines.Select(l => EndpointUri.Parse(l["listening on ".Length..])).ToList());
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(25);
        }

        var stderr = process.StandardError;
        await process.DisposeAsync();
        throw new InvalidOperationException($"switchboard serve did not start: {stderr}");
    }

    /// <summary>
    /// Starts <c>switchboard listen</c> with <paramref name="arguments"/> (the endpoint first) and waits for the
    /// "listening on" line it writes to stderr; returns the endpoint it names (the bound port read back).
    /// </summary>
    public static async Task<(CliProcess Process, EndpointUri Endpoint)> ListenAsync(params string[] arguments)
    {
        const string Prefix = "switchboard: listening on ";
        var process = Start(["listen", .. arguments]);
        if (!await Eventually.TrueAsync(() => process.StandardError.Contains(Prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(30)))
        {
            var stderr = process.StandardError;
            await process.DisposeAsync();
            throw new InvalidOperationException($"switchboard listen did not start: {stderr}");
        }

        var line = process.StandardError.Split('\n').First(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return (process, EndpointUri.Parse(line[Prefix.Length..].Trim()));
    }

    /// <summary>Runs the tool to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var process = Start(arguments);
        process.StandardInput.Close();
        var code = await process.WaitForExitAsync(timeout);
        return (code, string.Join('\n', process.StandardOutputLines), process.StandardError);
    }
}
