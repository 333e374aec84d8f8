using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Serving;

/// <summary>
/// Which readiness backend the loops use: <see cref="ServerOptions.LoopBackend"/> wins, else
/// <c>SWITCHBOARD_LOOP_BACKEND</c>, else the platform's best; a bad name is one clear line.
/// </summary>
public sealed class LoopBackendSelectionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheOptionWinsOverTheEnvironmentVariableWhichWinsOverThePlatformDefault()
    {
        var platform = OperatingSystem.IsLinux() ? LoopBackend.Epoll : LoopBackend.Poll;
        Assert.Equal(platform, ReadinessBackends.Resolve(LoopBackend.Default, null));
        Assert.Equal(platform, ReadinessBackends.Resolve(LoopBackend.Default, "  "));
        Assert.Equal(LoopBackend.Poll, ReadinessBackends.Resolve(LoopBackend.Default, "poll"));
        Assert.Equal(LoopBackend.Poll, ReadinessBackends.Resolve(LoopBackend.Default, " POLL "));
        Assert.Equal(LoopBackend.Poll, ReadinessBackends.Resolve(LoopBackend.Poll, "epoll"));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(LoopBackend.Epoll, ReadinessBackends.Resolve(LoopBackend.Epoll, "poll"));
            Assert.Equal(LoopBackend.Epoll, ReadinessBackends.Resolve(LoopBackend.Default, "epoll"));
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AnUnknownNameInTheEnvironmentVariableIsOneLineNamingTheVariableAndTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => ReadinessBackends.Resolve(LoopBackend.Default, "kqueue"));
        Assert.Equal("SWITCHBOARD_LOOP_BACKEND=kqueue: not a loop backend; use one of: epoll, poll", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnUndefinedOptionValueIsRefusedAtStart()
    {
        var options = new ServerOptions { LoopBackend = (LoopBackend)42 };
        options.Listen.Add(TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var server = new Server(options, new ThreadRecordingEcho(), null);
        var error = Assert.Throws<ArgumentException>(server.Start);
        Assert.Contains("not a loop backend", error.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Sequential)]
    public async Task WithPollChosenEveryLoopModelServesOnItsLoops(ConcurrencyModel model)
    {
        var handler = new ThreadRecordingEcho();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.LoopBackend = LoopBackend.Poll);
        for (var i = 0; i < 3; i++)
        {
            using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
            var message = Encoding.ASCII.GetBytes($"over poll {i}");
            await client.SendAllAsync(message);
            Assert.Equal(message, await client.ReadExactlyAsync(message.Length));
        }

        var expected = model switch
        {
            ConcurrencyModel.Async => "switchboard-io-",
            ConcurrencyModel.Select => "switchboard-select",
            _ => "switchboard-sequential",
        };
        Assert.All(handler.Threads, name => Assert.StartsWith(expected, name, StringComparison.Ordinal));
        Assert.NotEmpty(handler.Threads);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheToolGivenAnUnknownBackendInTheEnvironmentSaysSoInOneLineAndExitsWithAUsageError()
    {
        var start = ChildProcess.Redirected("dotnet", [CliProcess.ToolPath, "serve", "echo", "--listen", "tcp://127.0.0.1:0"]);
        start.Environment["SWITCHBOARD_LOOP_BACKEND"] = "bogus";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Equal("switchboard: SWITCHBOARD_LOOP_BACKEND=bogus: not a loop backend; use one of: epoll, poll", line.TrimEnd('\r'));
    }
}
