using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Framing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>The read loop's own rules: the pipe contract, draining before the end, giving the pipe back, no allocation.</summary>
public sealed class FrameReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task BufferedFramesAreDeliveredBeforeTheEndOfTheStream()
    {
        var pipe = new Pipe();
        var framer = new LengthPrefixedFramer(1);
        await pipe.Writer.WriteAsync(FramingCases.Encode(framer, ["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray()]), Ct);
        await pipe.Writer.CompleteAsync();
        using var reader = new FrameReader(pipe.Reader, framer);
        foreach (var expected in new[] { "a", "b", "c" })
        {
            Assert.Equal(expected, System.Text.Encoding.ASCII.GetString((await reader.ReadAsync(Ct))!.Value.ToArray()));
        }

        Assert.Null(await reader.ReadAsync(Ct));
        Assert.Null(await reader.ReadAsync(Ct));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task DisposingGivesThePipeBackWithTheUnreadBytesStillThere()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("line\nraw bytes"u8.ToArray(), Ct);
        using (var reader = new FrameReader(pipe.Reader, DelimitedFramer.NewLine()))
        {
            Assert.Equal("line"u8.ToArray(), (await reader.ReadAsync(Ct))!.Value.ToArray());
        }

        var rest = await pipe.Reader.ReadAsync(Ct);
        Assert.Equal("raw bytes"u8.ToArray(), rest.Buffer.ToArray());
        pipe.Reader.AdvanceTo(rest.Buffer.End);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APartialFrameMakesTheNextReadWaitForNewBytes()
    {
        var pipe = new Pipe();
        using var reader = new FrameReader(pipe.Reader, new LengthPrefixedFramer(2));
        await pipe.Writer.WriteAsync(new byte[] { 0, 3, (byte)'a' }, Ct);
        // The bytes were in the pipe before the read began, so the read has seen them all by the time it returns:
        // were it to end early, it would have done so already (and with no frame "abc" could have come from).
        var pending = reader.ReadAsync(Ct).AsTask();
        Assert.False(pending.IsCompleted);
        await pipe.Writer.WriteAsync("bc"u8.ToArray(), Ct);
        Assert.Equal("abc"u8.ToArray(), (await pending)!.Value.ToArray());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("prefix4be")]
    [InlineData("prefix2le")]
    [InlineData("newline")]
    [InlineData("crlf")]
    [InlineData("fixed40")]
    public void ReadingAndWritingBufferedFramesAllocatesNothing(string name)
    {
        // Synchronous on this thread: the pipe holds every frame, so no read has to wait.
        var framer = name == "fixed40" ? new FixedLengthFramer(40) : FramingCases.Create(name);
        var payload = new byte[40];
        // Segments large enough that the pipe seldom starts a new one: its segment bookkeeping is per buffer, not per frame.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 128 * 1024, useSynchronizationContext: false));
        var writer = new FrameWriter(pipe.Writer, framer);
        using var reader = new FrameReader(pipe.Reader, framer);

        // Per frame, not per pipe read: a Debug build's async state machine is a class, and the pipe may rent a
        // segment per read. So compare reads of 1 frame with reads of 40 frames: the extra frames must cost nothing.
        Assert.Equal(40, RoundTrip(1)); // warm up: JIT, the pipe's segment pool
        Assert.Equal(40 * 40, RoundTrip(40));
        var (oneFrame, bytesOne) = Measure(1);
        var (fortyFrames, bytesForty) = Measure(40);
        Assert.Equal(50 * 40, bytesOne);
        Assert.Equal(50 * 40 * 40, bytesForty);
        var perFrame = (double)(fortyFrames - oneFrame) / (50 * 39);
        Assert.True(perFrame < 1, $"{perFrame:F1} bytes allocated per frame ({oneFrame} for 50 reads of 1 frame, {fortyFrames} for 50 reads of 40)");

        (long Allocated, long BytesRead) Measure(int framesPerRead)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            long bytesRead = 0;
            for (var round = 0; round < 50; round++)
            {
                bytesRead += RoundTrip(framesPerRead);
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before, bytesRead);
        }

        // No assertions inside: they allocate.
        long RoundTrip(int frames)
        {
            long total = 0;
            for (var i = 0; i < frames; i++)
            {
                writer.Write(payload);
            }

            var flushed = writer.FlushAsync(Ct);
            if (!flushed.IsCompletedSuccessfully)
            {
                return -1;
            }

            for (var i = 0; i < frames; i++)
            {
                var read = reader.ReadAsync(Ct);
                if (!read.IsCompletedSuccessfully)
                {
                    return -1;
                }

                total += read.Result!.Value.Length;
            }

            return total;
        }
    }
}
