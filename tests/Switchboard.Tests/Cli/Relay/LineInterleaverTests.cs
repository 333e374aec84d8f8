using System.Buffers;
using System.Text;
using Switchboard.Cli.Relay;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli.Relay;

public sealed class LineInterleaverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task PiecesOfLinesFromSeveralPeersComeOutAsWholeLines()
    {
        var stdout = new MemoryStream();
        using var interleaver = new LineInterleaver(stdout);
        var a = interleaver.CreateSink();
        var b = interleaver.CreateSink();

        await a.WriteAsync(Bytes("a1 "), Ct);
        await b.WriteAsync(Bytes("b1 "), Ct);
        await a.WriteAsync(Bytes("end\na2 "), Ct);
        await b.WriteAsync(Bytes("end\n"), Ct);
        await a.WriteAsync(Bytes("end\n"), Ct);
        await b.WriteAsync(Bytes("tail without newline"), Ct);
        await b.CompleteAsync();

        Assert.Equal("a1 end\nb1 end\na2 end\ntail without newline", Encoding.ASCII.GetString(stdout.ToArray()));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ALineOverTheLimitIsWrittenRatherThanHeldForever()
    {
        var stdout = new MemoryStream();
        using var interleaver = new LineInterleaver(stdout);
        var sink = interleaver.CreateSink();

        await sink.WriteAsync(new ReadOnlySequence<byte>(new byte[LineInterleaver.MaxHeldBytes + 1]), Ct);

        Assert.Equal(LineInterleaver.MaxHeldBytes + 1, stdout.Length);
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));
}
