using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>Samples.WorkerService: servers from appsettings.json in a worker service, overridden from the command line.</summary>
public sealed class WorkerServiceSampleTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheServersOfAppsettingsAnswerAndSigtermStopsTheHostCleanly()
    {
        await using var sample = SampleProcess.Start("Samples.WorkerService", "--Switchboard:Servers:echo:Model=threads");
        var echo = await sample.WaitForLineAsync(l => l.StartsWith("listening on tcp://", StringComparison.Ordinal) && l.EndsWith("(echo)", StringComparison.Ordinal));
        var chat = await sample.WaitForLineAsync(l => l.EndsWith("(chat)", StringComparison.Ordinal));
        Assert.True(echo is not null && chat is not null, sample.StandardError);
        Assert.Contains(sample.StandardOutputLines, l => l.StartsWith("listening on udp://", StringComparison.Ordinal));

        using var socket = await TestClient.ConnectAsync(EndpointUri.Parse(echo.Split(' ')[2]));
        await socket.SendAllAsync(Encoding.ASCII.GetBytes("worker\n"));
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("worker\n", Encoding.ASCII.GetString(await socket.ReadToEndAsync()));
        // The command line's Model reached the server, through the host's logging: the library logs each listener's model.
        Assert.NotNull(await sample.WaitForLineAsync(l => l.Contains("serving echo on tcp://", StringComparison.Ordinal) && l.EndsWith("(threads model)", StringComparison.Ordinal)));

        sample.Signal(15);
        Assert.Equal(0, await sample.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ABadValueOnTheCommandLineStopsTheStartWithTheKeyNamed()
    {
        await using var sample = SampleProcess.Start("Samples.WorkerService", "--Switchboard:Servers:echo:MaxConnections=0");

        Assert.NotEqual(0, await sample.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Switchboard:Servers:echo:MaxConnections must be a positive number, not 0", sample.StandardError + sample.Output, StringComparison.Ordinal);
    }
}
