using Spectre.Console;
using Switchboard.Cli.Hosting;

namespace Switchboard.Cli.Bench;

/// <summary>
/// Runs a benchmark the way the CLI shows it: a live table while stdout is a terminal, otherwise nothing until the
/// end; then one summary line (or JSON) on stdout. Ctrl-C or SIGTERM stops the load early and the summary is still
/// printed. The exit code is 0, or 1 when the run saw errors or could not connect.
/// </summary>
internal static class BenchConsole
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(IBenchRun run, Func<CancellationToken, Task<IBenchSummary>> load, bool json)
    {
        using var stop = new StopSignal();
        var running = load(stop.Token); // a target that refuses: BenchConnectException, exit 1 (CommandFailure)
        if (!json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await ShowLiveAsync(run, running);
        }

        var summary = await running;

        await Console.Out.WriteLineAsync(json ? summary.ToJson() : summary.ToLine());
        await Console.Out.FlushAsync();
        return summary.Failed ? ExitCodes.NetworkError : ExitCodes.Success;
    }

    private static async Task ShowLiveAsync(IBenchRun run, Task running)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(run.Title));
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("value").RightAligned());
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            while (true)
            {
                table.Rows.Clear();
                foreach (var (label, value) in run.Progress())
                {
                    table.AddRow(Markup.Escape(label), Markup.Escape(value));
                }

                context.Refresh();
                if (running.IsCompleted)
                {
                    return;
                }

                await Task.WhenAny(running, Task.Delay(RefreshInterval));
            }
        });
    }
}
