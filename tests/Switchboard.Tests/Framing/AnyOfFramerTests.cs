using System.Buffers;
using System.Text;
using Switchboard.Framing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>The framer mode the chat's line ends use: a message ends at any one of several bytes.</summary>
public sealed class AnyOfFramerTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EndsAtAnyOfTheBytesWhereverTheInputIsSplit()
    {
        var input = Encoding.ASCII.GetBytes("one\rtwo\nthree\r\n");
        for (var split = 0; split <= input.Length; split++)
        {
            var framer = DelimitedFramer.AnyOf("\r\n"u8, maxFrameLength: 5);
            var sequence = TestSegment.Sequence(input.AsMemory(0, split), input.AsMemory(split));
            var frames = new List<string>();
            while (framer.TryRead(ref sequence, out var frame))
            {
                frames.Add(Encoding.ASCII.GetString(frame.ToArray()));
            }

            Assert.Equal(["one", "two", "three", ""], frames);
            Assert.True(sequence.IsEmpty);
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void APayloadOverTheLimitIsTooLongWithOrWithoutItsEnd()
    {
        var framer = DelimitedFramer.AnyOf("\r\n"u8, maxFrameLength: 3);
        Assert.Equal(LineScan.NeedMore, framer.Scan(new ReadOnlySequence<byte>("abc"u8.ToArray()), out _, out _));
        Assert.Equal(LineScan.Found, framer.Scan(new ReadOnlySequence<byte>("abc\r"u8.ToArray()), out _, out _));
        Assert.Equal(LineScan.TooLong, framer.Scan(new ReadOnlySequence<byte>("abcd"u8.ToArray()), out _, out _));
        Assert.Equal(LineScan.TooLong, framer.Scan(new ReadOnlySequence<byte>("abcd\n"u8.ToArray()), out _, out _));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void WritesTheFirstEndAndRefusesAPayloadHoldingAnyOfThem()
    {
        var framer = DelimitedFramer.AnyOf("\n\r"u8, maxFrameLength: 10);
        var output = new ArrayBufferWriter<byte>();
        framer.Write("hi"u8, output);
        Assert.Equal("hi\n"u8.ToArray(), output.WrittenSpan.ToArray());
        Assert.Throws<ArgumentException>(() => framer.Write("a\rb"u8, output));
        Assert.Throws<ArgumentException>(() => framer.Write(new ReadOnlySequence<byte>("a\rb"u8.ToArray()), output));
    }
}
