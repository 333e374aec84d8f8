using System.Text.Json;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>serve --log-format json</c>: one JSON object per stderr line, from the JSON console formatter.</summary>
public sealed class LogFormatTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task JsonLogsAreOneObjectPerLine()
    {
        var (process, _) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--log-format", "json", "--log-level", "info");
        await using (process)
        {
            Assert.True(await Eventually.TrueAsync(() => process.StandardError.Contains("serving echo", StringComparison.Ordinal)));
            process.Signal(15);
            Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 2));
            var lines = process.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                using var entry = JsonDocument.Parse(line); // throws on a line that is not one whole object
                Assert.Equal(JsonValueKind.Object, entry.RootElement.ValueKind);
                Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            }

            var serving = lines.Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("EventId").GetInt32() == 13);
            Assert.Equal("Information", serving.GetProperty("LogLevel").GetString());
            Assert.Equal("echo", serving.GetProperty("State").GetProperty("Service").GetString());
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AnUnknownLogFormatIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--log-format", "xml");
        Assert.Equal(2, code);
        Assert.Contains("xml", stderr, StringComparison.Ordinal);
    }
}
