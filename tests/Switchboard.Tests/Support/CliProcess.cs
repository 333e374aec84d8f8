using Switchboard.Endpoints;

namespace Switchboard.Tests.Support;

/// <summary>
/// The <c>switchboard</c> tool run as a child process (<c>dotnet switchboard.dll …</c> from the test output, where
/// the project reference puts it), for what only a process shows: exit codes, stdout and stderr, signals.
/// </summary>
public sealed partial class CliProcess : ChildProcess
{
    private CliProcess(string[] arguments)
        : base("dotnet", [ToolPath, .. arguments])
    {
    }

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "switchboard.dll");

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

    /// <summary>Runs the tool to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var process = Start(arguments);
        process.StandardInput.Close();
        var code = await process.WaitForExitAsync(timeout);
        return (code, string.Join('\n', process.StandardOutputLines), process.StandardError);
    }
}
