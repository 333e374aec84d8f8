using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Switchboard.Framing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>
/// Issue 12: a <see cref="FrameReader"/> loop over a stream whose last line has no newline ends cleanly when the
/// framer is told to accept an unterminated final frame — and still throws when it is not.
/// </summary>
public sealed class UnterminatedFinalFrameTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string[]> Streams => new()
    {
        { "\n", "one\ntwo\nlast", ["one", "two", "last"] },
        { "\n", "one\n\nlast", ["one", "", "last"] },
        { "\n", "one\ntwo\n", ["one", "two"] }, // ends with its newline: no empty frame after it
        { "\n", "", [] },
        { "\n", "x", ["x"] },
        { "\r\n", "a\r\nb\r\nend\r", ["a", "b", "end\r"] }, // half a delimiter stays in the payload
        { "\r\n", "a\r\nlast", ["a", "last"] },
    };

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Streams))]
    public async Task AReadLoopOverAPipeEndsCleanlyAfterTheLastLineWithOrWithoutItsDelimiter(string delimiter, string text, string[] expected)
    {
        var wire = Encoding.ASCII.GetBytes(text);
        for (var split = 0; split <= wire.Length; split++)
        {
            // The stream arrives in two writes split at every byte, then ends.
            var pipe = new Pipe();
            var framer = Create(delimiter);
            var reading = FramingCases.ReadAllAsync(pipe.Reader, framer);
            await pipe.Writer.WriteAsync(wire.AsMemory(0, split), Ct);
            await pipe.Writer.WriteAsync(wire.AsMemory(split), Ct);
            await pipe.Writer.CompleteAsync();

            Assert.Equal(expected, (await reading).Select(Encoding.ASCII.GetString));
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void TheParserFindsTheFinalFrameInThreeSegmentsSplitAtAnyTwoBytes(string delimiter, string text, string[] expected)
    {
        var wire = Encoding.ASCII.GetBytes(text);
        var framer = Create(delimiter);
        for (var first = 0; first <= wire.Length; first++)
        {
            for (var second = first; second <= wire.Length; second++)
            {
                var input = TestSegment.Sequence(wire.AsMemory(0, first), wire.AsMemory(first, second - first), wire.AsMemory(second));
                Assert.Equal(expected, FramingCases.ParseToEnd(framer, input).Select(Encoding.ASCII.GetString));
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task WithoutTheOptionTheUnterminatedLastLineIsATruncatedFrame()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("one\nlast"u8.ToArray(), Ct);
        await pipe.Writer.CompleteAsync();
        using var reader = new FrameReader(pipe.Reader, DelimitedFramer.NewLine());

        Assert.Equal("one"u8.ToArray(), (await reader.ReadAsync(Ct))!.Value.ToArray());
        var truncated = await Assert.ThrowsAsync<TruncatedFrameException>(async () => await reader.ReadAsync(Ct));
        Assert.Equal(4, truncated.BytesReceived);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnUnterminatedFinalFrameOverTheLimitIsStillTooLarge()
    {
        // Under CRLF a buffer one byte over the limit may still be waiting for its "\n"; at the end it is too long.
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("ok\r\nabcde"u8.ToArray(), Ct);
        await pipe.Writer.CompleteAsync();
        using var reader = new FrameReader(pipe.Reader, DelimitedFramer.CrLf(maxFrameLength: 4, acceptUnterminatedFinalFrame: true));

        Assert.Equal("ok"u8.ToArray(), (await reader.ReadAsync(Ct))!.Value.ToArray());
        await Assert.ThrowsAsync<FrameTooLargeException>(async () => await reader.ReadAsync(Ct));
        Assert.Null(await reader.ReadAsync(Ct)); // the broken frame is discarded, the reader is done
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStreamOverAFileWhoseLastLineHasNoNewlineReadsToTheEnd()
    {
        // What a user of the README's loop does: PipeReader.Create over a stream.
        using var stream = new MemoryStream("first\nsecond"u8.ToArray());
        var input = PipeReader.Create(stream);
        var lines = await FramingCases.ReadAllAsync(input, new DelimitedFramer("\n"u8) { AcceptUnterminatedFinalFrame = true });
        await input.CompleteAsync();

        Assert.Equal(["first", "second"], lines.Select(Encoding.ASCII.GetString));
    }

    private static DelimitedFramer Create(string delimiter) =>
        new(Encoding.ASCII.GetBytes(delimiter), maxFrameLength: 64, acceptUnterminatedFinalFrame: true);
}
