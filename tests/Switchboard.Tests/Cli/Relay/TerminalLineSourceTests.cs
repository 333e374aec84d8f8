using System.IO.Pipes;
using System.Text;
using Switchboard.Cli.Relay;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli.Relay;

/// <summary>
/// The terminal reader over a pipe standing in for the terminal: the kernel's line discipline is the terminal's,
/// what is tested here is that bytes pass as they come and that a read waiting for the user ends when asked to.
/// </summary>
public sealed class TerminalLineSourceTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EachLineIsPassedOnAsItComesAndEndOfInputIsEof()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var source = new TerminalLineSource(Descriptor(pipe));
        await pipe.WriteAsync("héllo\nworld\n"u8.ToArray(), TestContext.Current.CancellationToken);
        pipe.Close();

        var sent = new MemoryStream();
        var buffer = new byte[3]; // smaller than a line: a line is handed over in pieces, none lost
        int n;
        while ((n = await source.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            sent.Write(buffer, 0, n);
        }

        Assert.Equal("héllo\nworld\n", Encoding.UTF8.GetString(sent.ToArray()));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AReadWaitingForInputEndsWhenItsTokenIsCanceledAndALaterReadStillGetsTheLine()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var source = new TerminalLineSource(Descriptor(pipe));
        using var ctrlC = new CancellationTokenSource();

        var waiting = source.ReadAsync(new byte[64], ctrlC.Token).AsTask();
        await ctrlC.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        await pipe.WriteAsync("typed later\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var buffer = new byte[64];
        var n = await source.ReadAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal("typed later\n", Encoding.UTF8.GetString(buffer, 0, n));
    }

    private static int Descriptor(AnonymousPipeServerStream pipe) => (int)pipe.ClientSafePipeHandle.DangerousGetHandle();
}
