using System.Diagnostics;
using System.Text;

namespace Switchboard.Tests.Support;

/// <summary>A third-party program (nc, socat, python3) run to its end with some standard input.</summary>
public static class PeerProcess
{
    /// <summary>Runs <paramref name="file"/>, writes <paramref name="input"/> then closes its stdin; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string file, IEnumerable<string> arguments, string input, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {timeout.TotalSeconds} s; stdout so far: {(stdout.IsCompleted ? stdout.Result : "?")}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
