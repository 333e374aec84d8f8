using System.Diagnostics;

namespace Switchboard.Tests.Support;

/// <summary>The tool run with raw byte streams: what a binary-safe relay needs (the line readers would decode text).</summary>
public sealed partial class CliProcess
{
    /// <summary>
    /// Runs the tool to its end. <paramref name="feedStdin"/> writes its standard input and returning closes it
    /// (EOF); stdout is kept as bytes. Throws <see cref="TimeoutException"/> (after killing it) if it runs too long.
    /// </summary>
    public static async Task<CliRun> RunRawAsync(Func<Stream, Task> feedStdin, TimeSpan timeout, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(Redirected("dotnet", [ToolPath, .. arguments]))!;
        var stdout = new MemoryStream();
        var copying = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        var feeding = Task.Run(async () =>
        {
            try
            {
                await feedStdin(process.StandardInput.BaseStream);
            }
            catch (IOException)
            {
                // The tool exited (or closed stdin) before reading everything: allowed by the EOF policy.
            }
            finally
            {
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                }
            }
        });

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"switchboard {string.Join(' ', arguments)} ran over {timeout}; stderr: {await stderr}");
        }

        var elapsed = clock.Elapsed;
        await copying;
        await Task.WhenAny(feeding, Task.Delay(TimeSpan.FromSeconds(5)));
        return new CliRun(process.ExitCode, stdout.ToArray(), await stderr, elapsed);
    }

    /// <summary>Runs the tool with <paramref name="stdin"/> as its whole standard input.</summary>
    public static Task<CliRun> RunRawAsync(byte[] stdin, TimeSpan timeout, params string[] arguments) =>
        RunRawAsync(async s => await s.WriteAsync(stdin), timeout, arguments);
}
