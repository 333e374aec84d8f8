using Switchboard.Endpoints;

namespace Switchboard.Tests.Support;

/// <summary>The tool run under a lowered open-file limit (soft and hard), as <c>ulimit -n</c> in a shell sets it.</summary>
public sealed partial class CliProcess
{
    private CliProcess(string file, string[] arguments)
        : base(file, arguments)
    {
    }

    /// <summary>
    /// Starts <c>switchboard serve</c> under <c>/bin/sh -c 'ulimit -n LIMIT; exec …'</c> (the process keeps the pid,
    /// so signals and kill reach the tool) and waits for its listening lines. The test runner's own limit is untouched.
    /// </summary>
    public static async Task<(CliProcess Process, IReadOnlyList<EndpointUri> Endpoints)> ServeUnderFileLimitAsync(int limit, int listeners, params string[] arguments)
    {
        var process = new CliProcess("/bin/sh", ["-c", $"ulimit -n {limit} && exec \"$0\" \"$@\"", "dotnet", ToolPath, "serve", .. arguments]);
        return await AwaitListeningAsync(process, listeners);
    }
}
