using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>A flood of resets or rejects must not become a flood of log lines: the log is not the attacker's amplifier.</summary>
public sealed class LogStormTests : IDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public LogStormTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public void Dispose() => _loggerFactory.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task FiveThousandResetsWriteABoundedNumberOfLogLines()
    {
        await using var server = Start(o => o.MaxConnections = 8);
        var target = (IPEndPoint)server.Listeners[0].Endpoint.ToEndPoint();
        const int cycles = 5_000;
        const int workers = 16;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < cycles; i += workers)
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(target, TestContext.Current.CancellationToken);
                await client.SendAsync("x"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
                client.Reset();
            }
        })));
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));

        var lines = _logs.GetSnapshot().Where(r => !r.Message.StartsWith("serving ", StringComparison.Ordinal)).ToList();
        TestContext.Current.SendDiagnosticMessage($"{lines.Count} lines for {cycles} resets ({server.RejectedConnections} rejected)");
        Assert.True(lines.Count <= 10, $"{lines.Count} log lines for {cycles} resets, e.g. {string.Join(" | ", lines.Take(3).Select(l => l.Message))}");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task RepeatedRejectsAreOneLineAndACountOfTheRest()
    {
        await using var server = Start(o => o.MaxConnections = 1);
        var endpoint = server.Listeners[0].Endpoint;
        using var holder = await TestClient.ConnectAsync(endpoint);
        await holder.SendAllAsync("h"u8.ToArray());
        await holder.ReadExactlyAsync(1);
        for (var i = 0; i < 200; i++)
        {
            using var refused = await TestClient.ConnectAsync(endpoint);
        }

        Assert.True(await Eventually.TrueAsync(() => server.RejectedConnections == 200));
        var more = server.RejectedConnections - 1;
        Assert.True(
            await Eventually.TrueAsync(() => _logs.GetSnapshot().Any(r => r.Message.Contains($"and {more} more in the last", StringComparison.Ordinal)), TimeSpan.FromSeconds(20)),
            $"no count of the suppressed rejects: {string.Join(" | ", _logs.GetSnapshot().Select(l => l.Message))}");
        var rejectLines = _logs.GetSnapshot().Where(r => r.Message.Contains("rejected", StringComparison.Ordinal)).ToList();
        Assert.InRange(rejectLines.Count, 2, 3);
        Assert.All(rejectLines, r => Assert.Contains("(MaxConnections)", r.Message, StringComparison.Ordinal)); // the option, not a flag of the tool
    }

    private Server Start(Action<ServerOptions> configure)
    {
        var options = new ServerOptions { DrainTimeout = TimeSpan.FromSeconds(2) };
        options.Listen.Add(EndpointUri.Parse("tcp://127.0.0.1:0"));
        configure(options);
        var server = new Server(options, new EchoService(), null, _loggerFactory);
        server.Start();
        return server;
    }
}
