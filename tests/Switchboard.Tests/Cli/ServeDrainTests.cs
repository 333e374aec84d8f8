using System.Net.Sockets;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>SIGTERM: stop accepting, let live connections finish up to <c>--drain</c>, abort the rest, exit 0.</summary>
public sealed class ServeDrainTests
{
    private const int Sigterm = 15;

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("async")]
    [InlineData("sequential")]
    [InlineData("threads")]
    [InlineData("select")]
    public async Task SigtermMidTransferEchoesEveryAcceptedByteThenExitsZero(string model)
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--model", model, "--drain", "20s");
        await using var _ = process;
        using var client = await TestClient.ConnectAsync(endpoints[0]);
        await client.SendAllAsync("!"u8.ToArray()); // served, not just waiting in the backlog
        Assert.Equal("!"u8.ToArray(), await client.ReadExactlyAsync(1));
        var data = new byte[256 * 1024];
        new Random(7).NextBytes(data);
        var reading = client.ReadToEndAsync();

        await client.SendAllAsync(data.AsMemory(0, 100_000));
        process.Signal(Sigterm);
        Assert.True(await Eventually.TrueAsync(() => process.StandardError.Contains("draining", StringComparison.Ordinal)), process.StandardError);
        await client.SendAllAsync(data.AsMemory(100_000));
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(data, await reading);
        Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task CtrlCDrainsLikeSigterm()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--drain", "20s");
        await using var _ = process;
        using var client = await TestClient.ConnectAsync(endpoints[0]);
        await client.SendAllAsync("a"u8.ToArray());
        await client.ReadExactlyAsync(1);
        process.Signal(2); // SIGINT
        Assert.True(await Eventually.TrueAsync(() => process.StandardError.Contains("draining", StringComparison.Ordinal)), process.StandardError);
        await client.SendAllAsync("b"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("b"u8.ToArray(), await client.ReadToEndAsync());
        Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TwoSigtermsAtOnceAsTimeoutSendsThemStillDrain()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--drain", "20s");
        await using var _ = process;
        using var client = await TestClient.ConnectAsync(endpoints[0]);
        await client.SendAllAsync("a"u8.ToArray());
        await client.ReadExactlyAsync(1);

        // timeout(1) signals its child, then the child's process group: one stop, delivered twice. Copies sent
        // back to back may merge into one pending signal; a tenth of a second apart, both are handled.
        process.Signal(Sigterm);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        process.Signal(Sigterm);
        Assert.True(await Eventually.TrueAsync(() => process.StandardError.Contains("draining", StringComparison.Ordinal)), process.StandardError);
        // A copy that wrongly forced the exit would show as exit 130 below; the pause gives it the time to do so
        // before the exchange ends the drain (the tool says nothing when it ignores a copy: no state to wait for).
        await Task.Delay(300, TestContext.Current.CancellationToken);
        await client.SendAllAsync("b"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("b"u8.ToArray(), await client.ReadToEndAsync());
        Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ASecondSigtermASecondLaterExitsAtOnce()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--drain", "60s");
        await using var _ = process;
        using var client = await TestClient.ConnectAsync(endpoints[0]);
        await client.SendAllAsync("a"u8.ToArray());
        await client.ReadExactlyAsync(1);
        process.Signal(Sigterm);
        Assert.True(await Eventually.TrueAsync(() => process.StandardError.Contains("draining", StringComparison.Ordinal)), process.StandardError);
        await Task.Delay(1500, TestContext.Current.CancellationToken); // "well after the first": the user means it

        process.Signal(Sigterm);

        Assert.Equal(130, await process.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NoNewConnectionIsAcceptedWhileDraining()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--drain", "20s");
        await using var _ = process;
        using var live = await TestClient.ConnectAsync(endpoints[0]);
        await live.SendAllAsync("x"u8.ToArray());
        await live.ReadExactlyAsync(1);
        process.Signal(Sigterm);
        Assert.True(await Eventually.TrueAsync(() => process.StandardError.Contains("draining", StringComparison.Ordinal)), process.StandardError);
        await Assert.ThrowsAsync<SocketException>(async () => (await TestClient.ConnectAsync(endpoints[0])).Dispose());
        live.Shutdown(SocketShutdown.Send);
        await live.ReadToEndAsync();
        Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AClientThatStaysPastTheDrainIsAbortedAndTheExitIsStillZero()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--drain", "500ms");
        await using var _ = process;
        using var client = await TestClient.ConnectAsync(endpoints[0]);
        await client.SendAllAsync("stay"u8.ToArray());
        await client.ReadExactlyAsync(4);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        process.Signal(Sigterm);

        Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 2));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(8));
        Assert.Contains("aborting 1 connections", process.StandardError, StringComparison.Ordinal);
        try
        {
            Assert.Empty(await client.ReadToEndAsync());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }
}
