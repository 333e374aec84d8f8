using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Switchboard.Framing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>Every limit: a clear typed exception naming the limit, and never a partial message handed on.</summary>
public sealed class FramerLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ADelimiterNotSeenWithinTheMaximumIsAFrameTooLarge()
    {
        var error = await Assert.ThrowsAsync<FrameTooLargeException>(() => ReadAllAsync(DelimitedFramer.NewLine(16), new string('x', 17)));
        Assert.Equal(16, error.MaxFrameLength);
        Assert.Contains("no delimiter \"\\n\" within MaxFrameLength (16 bytes)", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ALineOfExactlyTheMaximumIsAcceptedAndOneByteMoreIsNot()
    {
        Assert.Equal([new string('x', 16)], await ReadAllAsync(DelimitedFramer.CrLf(16), new string('x', 16) + "\r\n"));
        await Assert.ThrowsAsync<FrameTooLargeException>(() => ReadAllAsync(DelimitedFramer.CrLf(16), new string('x', 17) + "\r\n"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ALongLineIsRefusedAsSoonAsTheLimitIsPassedWithoutWaitingForItsEnd()
    {
        var framer = DelimitedFramer.CrLf(4);
        var input = TestSegment.Sequence("abcd\r"u8.ToArray());
        Assert.False(framer.TryRead(ref input, out _)); // "\r" may still begin the delimiter
        input = TestSegment.Sequence("abcde"u8.ToArray(), "f"u8.ToArray());
        Assert.Throws<FrameTooLargeException>(() => framer.TryRead(ref input, out _));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStreamEndingInTheMiddleOfALineIsTruncatedAfterTheCompleteLines()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("one\ntwo\npart"u8.ToArray(), Ct);
        await pipe.Writer.CompleteAsync();
        using var reader = new FrameReader(pipe.Reader, DelimitedFramer.NewLine());
        Assert.Equal("one"u8.ToArray(), (await reader.ReadAsync(Ct))!.Value.ToArray());
        Assert.Equal("two"u8.ToArray(), (await reader.ReadAsync(Ct))!.Value.ToArray());
        var error = await Assert.ThrowsAsync<TruncatedFrameException>(async () => await reader.ReadAsync(Ct));
        Assert.Equal(4, error.BytesReceived);
        Assert.Contains("ended 4 bytes into a frame", error.Message);
        Assert.Null(await reader.ReadAsync(Ct)); // the partial frame is gone for good
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public async Task ALengthPrefixOverTheMaximumIsRefusedBeforeAnyPayloadArrives(int prefixLength)
    {
        var framer = new LengthPrefixedFramer(prefixLength, ByteOrder.BigEndian, maxFrameLength: 100);
        var prefix = new byte[prefixLength];
        prefix[^1] = 101;
        var error = await Assert.ThrowsAsync<FrameTooLargeException>(() => ReadAllAsync(framer, prefix));
        Assert.Equal(101, error.Length);
        Assert.Contains("length prefix says 101 bytes, over MaxFrameLength (100 bytes)", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AHugeUnsignedEightBytePrefixIsAFrameTooLargeNotAnOverflow()
    {
        var error = await Assert.ThrowsAsync<FrameTooLargeException>(() => ReadAllAsync(new LengthPrefixedFramer(8), new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }));
        Assert.Contains("18446744073709551615", error.Message);
        Assert.Contains($"MaxFrameLength ({FramingLimits.DefaultMaxMessageLength} bytes)", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ANegativeSignedPrefixIsAnInvalidLengthPrefix()
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, -5);
        var error = await Assert.ThrowsAsync<InvalidLengthPrefixException>(() => ReadAllAsync(new LengthPrefixedFramer(4, isSigned: true), prefix));
        Assert.Equal(-5, error.Prefix);
        Assert.IsAssignableFrom<FramingException>(error);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStreamEndingInsideAPrefixOrAPayloadIsTruncated()
    {
        var framer = new LengthPrefixedFramer(4);
        await Assert.ThrowsAsync<TruncatedFrameException>(() => ReadAllAsync(framer, new byte[] { 0, 0 }));
        var error = await Assert.ThrowsAsync<TruncatedFrameException>(() => ReadAllAsync(new LengthPrefixedFramer(4), new byte[] { 0, 0, 0, 10, 1, 2, 3 }));
        Assert.Equal(7, error.BytesReceived);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AFixedLengthStreamEndingMidFrameIsTruncated()
    {
        Assert.Equal(["abcd"], await ReadAllAsync(new FixedLengthFramer(4), "abcd"));
        await Assert.ThrowsAsync<TruncatedFrameException>(() => ReadAllAsync(new FixedLengthFramer(4), "abcdef"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ACloseDelimitedMessageOverTheMaximumIsRefusedBeforeTheClose()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[101], Ct); // not completed: the limit must not wait for the close
        using var reader = new FrameReader(pipe.Reader, new CloseDelimitedFramer(100));
        var error = await Assert.ThrowsAsync<FrameTooLargeException>(async () => await reader.ReadAsync(Ct));
        Assert.Contains("MaxFrameLength (100 bytes)", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnEmptyCloseDelimitedStreamIsOneEmptyMessage()
    {
        Assert.Equal([""], await ReadAllAsync(new CloseDelimitedFramer(), ""));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void WritersRefusePayloadsTheReaderWouldRefuse()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.Throws<FrameTooLargeException>(() => new LengthPrefixedFramer(2, maxFrameLength: 10).Write(new byte[11], output));
        Assert.Throws<FrameTooLargeException>(() => DelimitedFramer.NewLine(10).Write(new byte[11], output));
        Assert.Throws<FrameTooLargeException>(() => new CloseDelimitedFramer(10).Write(new byte[11], output));
        Assert.Throws<FrameTooLargeException>(() => new FixedLengthFramer(10).Write(new byte[11], output));
        Assert.Throws<ArgumentException>(() => new FixedLengthFramer(10).Write(new byte[9], output));
        Assert.Throws<ArgumentException>(() => DelimitedFramer.CrLf().Write("a\r\nb"u8, output));
        Assert.Throws<ArgumentException>(() => DelimitedFramer.CrLf().Write(TestSegment.Sequence("a\r"u8.ToArray(), "\nb"u8.ToArray()), output));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void APrefixTooNarrowForTheMaximumIsRefusedAtConstruction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedFramer(1, maxFrameLength: 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedFramer(3));
        Assert.Throws<ArgumentException>(() => new DelimitedFramer(ReadOnlySpan<byte>.Empty));
    }

    private static Task<List<string>> ReadAllAsync(IFramer framer, string input) => ReadAllAsync(framer, System.Text.Encoding.Latin1.GetBytes(input));

    private static async Task<List<string>> ReadAllAsync(IFramer framer, byte[] input)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(input, Ct);
        await pipe.Writer.CompleteAsync();
        var frames = await FramingCases.ReadAllAsync(pipe.Reader, framer);
        return frames.Select(f => System.Text.Encoding.Latin1.GetString(f)).ToList();
    }
}
