using System.Buffers;
using System.Text;
using Switchboard.Framing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>The public line reader: the framer's lines, with each overflow rule and telnet's CR pairs.</summary>
public sealed class LineReaderTests
{
    // A line at the limit (5), one a byte over, a normal one, one far over, and a last one.
    private static readonly byte[] Wire = Encoding.ASCII.GetBytes("12345\n123456\nnext\n" + new string('x', 20) + "\nlast\n");

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(LineOverflow.Refuse, new[] { "12345", "<too long>" })]
    [InlineData(LineOverflow.Skip, new[] { "12345", "<too long>", "next", "<too long>", "last" })]
    [InlineData(LineOverflow.Split, new[] { "12345", "123456", "next", "xxxxxxxxxxxxxxxxxxxx", "last" })]
    public void EveryRuleReadsTheSameLinesWhereverTheInputIsSplit(LineOverflow overflow, string[] expected)
    {
        for (var split = 0; split <= Wire.Length; split++)
        {
            var reader = new LineReader(DelimitedFramer.NewLine(5), overflow);
            Assert.Equal(expected, Joined(Arrive(reader, Wire[..split], Wire[split..]), 5));
        }

        Assert.Equal(expected, Joined(Arrive(new LineReader(DelimitedFramer.NewLine(5), overflow), [.. Wire.Select(b => new[] { b })]), 5));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(LineOverflow.Refuse)]
    [InlineData(LineOverflow.Skip)]
    [InlineData(LineOverflow.Split)]
    public void LinesAreFoundAcrossThreeSegmentsSplitAtAnyTwoBytes(LineOverflow overflow)
    {
        var wire = "one\r\ntwo\n\nthree\n"u8.ToArray();
        for (var first = 0; first <= wire.Length; first++)
        {
            for (var second = first; second <= wire.Length; second++)
            {
                var reader = new LineReader(DelimitedFramer.NewLine(10), overflow);
                var input = TestSegment.Sequence(wire.AsMemory(0, first), wire.AsMemory(first, second - first), wire.AsMemory(second));
                var lines = new List<string>();
                while (reader.Read(ref input, out var line) == LineReadStatus.Line)
                {
                    lines.Add(Encoding.ASCII.GetString(line.ToArray()));
                }

                Assert.Equal(["one\r", "two", "", "three"], lines);
                Assert.True(input.IsEmpty);
            }
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("12345\n", LineReadStatus.Line)]
    [InlineData("123456\n", LineReadStatus.TooLong)]
    [InlineData("12345", LineReadStatus.NeedMore)]
    [InlineData("123456", LineReadStatus.TooLong)]
    public void ALineOfExactlyTheLimitIsALineAndOneByteMoreIsTooLongWithOrWithoutItsEnd(string text, LineReadStatus expected)
    {
        var reader = new LineReader(DelimitedFramer.NewLine(5));
        var input = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        Assert.Equal(expected, reader.Read(ref input, out _));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void RefuseConsumesNothingAndReturnsTheBytesThatPassedTheLimit()
    {
        var reader = new LineReader(DelimitedFramer.NewLine(3));
        var input = new ReadOnlySequence<byte>("abcdef"u8.ToArray());
        Assert.Equal(LineReadStatus.TooLong, reader.Read(ref input, out var seen));
        Assert.Equal(6, input.Length);
        Assert.Equal(6, seen.Length);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void SkipReportsOnceAndConsumesTheRestOfTheLineAcrossReads()
    {
        var reader = new LineReader(DelimitedFramer.NewLine(3), LineOverflow.Skip);
        var input = new ReadOnlySequence<byte>("abcd"u8.ToArray());
        Assert.Equal(LineReadStatus.TooLong, reader.Read(ref input, out _));
        Assert.True(input.IsEmpty);
        Assert.True(reader.IsSkipping);

        input = new ReadOnlySequence<byte>(new byte[10_000]);
        Assert.Equal(LineReadStatus.NeedMore, reader.Read(ref input, out _));
        Assert.True(input.IsEmpty); // nothing of the skipped line is held

        input = new ReadOnlySequence<byte>("zz\nok\n"u8.ToArray());
        Assert.Equal(LineReadStatus.Line, reader.Read(ref input, out var line));
        Assert.Equal("ok"u8.ToArray(), line.ToArray());
        Assert.False(reader.IsSkipping);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void SplitHandsOutWhatHasComeOfALongLineAndAWholeOneWhole()
    {
        var reader = new LineReader(DelimitedFramer.NewLine(3), LineOverflow.Split);
        var input = new ReadOnlySequence<byte>("abcd"u8.ToArray());
        Assert.Equal(LineReadStatus.Part, reader.Read(ref input, out var part));
        Assert.Equal("abcd"u8.ToArray(), part.ToArray());
        Assert.True(input.IsEmpty);

        input = new ReadOnlySequence<byte>("ef\nlonger line\n"u8.ToArray());
        Assert.Equal(LineReadStatus.Line, reader.Read(ref input, out var tail));
        Assert.Equal("ef"u8.ToArray(), tail.ToArray());
        Assert.Equal(LineReadStatus.Line, reader.Read(ref input, out var whole));
        Assert.Equal("longer line"u8.ToArray(), whole.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void FoldCrPairsMakesCrLfAndCrNulOneEndEvenAcrossReads()
    {
        var wire = "a\r\nb\r\0c\rd\n\r\n"u8.ToArray();
        for (var split = 0; split <= wire.Length; split++)
        {
            var folding = new LineReader(DelimitedFramer.AnyOf("\r\n"u8, 5)) { FoldCrPairs = true };
            Assert.Equal(["a", "b", "c", "d", ""], Joined(Arrive(folding, wire[..split], wire[split..]), 5));
        }

        var plain = new LineReader(DelimitedFramer.AnyOf("\r\n"u8, 5));
        Assert.Equal(["a", "", "b", "\0c", "d", "", ""], Joined(Arrive(plain, wire), 5));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ResetForgetsASkipAndAPendingPair()
    {
        var reader = new LineReader(DelimitedFramer.AnyOf("\r\n"u8, 2), LineOverflow.Skip) { FoldCrPairs = true };
        var input = new ReadOnlySequence<byte>("abc"u8.ToArray());
        reader.Read(ref input, out _);
        reader.Reset();
        Assert.False(reader.IsSkipping);
        input = new ReadOnlySequence<byte>("x\r"u8.ToArray());
        Assert.Equal(LineReadStatus.Line, reader.Read(ref input, out _));
        reader.Reset();
        input = new ReadOnlySequence<byte>("\n"u8.ToArray());
        Assert.Equal(LineReadStatus.Line, reader.Read(ref input, out var empty)); // the LF is no longer the CR's pair
        Assert.True(empty.IsEmpty);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(LineOverflow.Refuse)]
    [InlineData(LineOverflow.Skip)]
    [InlineData(LineOverflow.Split)]
    public void ReadingLinesAcrossSegmentsAllocatesNothing(LineOverflow overflow)
    {
        var wire = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a line\r\n", 100)));
        var input = TestSegment.Sequence(wire.AsMemory(0, 333), wire.AsMemory(333, 333), wire.AsMemory(666));
        var reader = new LineReader(DelimitedFramer.AnyOf("\r\n"u8, 10), overflow) { FoldCrPairs = true };
        Assert.Equal(100, ReadAll()); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var lines = 0;
        for (var round = 0; round < 100; round++)
        {
            lines += ReadAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100 * 100, lines);

        int ReadAll()
        {
            var rest = input;
            var count = 0;
            while (reader.Read(ref rest, out _) == LineReadStatus.Line)
            {
                count++;
            }

            return count;
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AnUnknownOverflowRuleIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineReader(DelimitedFramer.NewLine(), (LineOverflow)42));
        Assert.Throws<ArgumentNullException>(() => new LineReader(null!));
    }

    /// <summary>
    /// Feeds <paramref name="arrivals"/> as a pipe would: the bytes not consumed, then the new ones, as two segments.
    /// Returns each result shown as text; a refused line ends the stream, as its caller would end it.
    /// </summary>
    private static List<(LineReadStatus Status, string Text)> Arrive(LineReader reader, params byte[][] arrivals)
    {
        var results = new List<(LineReadStatus, string)>();
        var held = Array.Empty<byte>();
        foreach (var arrival in arrivals)
        {
            var input = TestSegment.Sequence(held, arrival);
            LineReadStatus status;
            while ((status = reader.Read(ref input, out var line)) != LineReadStatus.NeedMore)
            {
                results.Add((status, Encoding.ASCII.GetString(line.ToArray())));
                if (status == LineReadStatus.TooLong && reader.Overflow == LineOverflow.Refuse)
                {
                    return results;
                }
            }

            held = input.ToArray();
        }

        return results;
    }

    /// <summary>The lines, parts joined to the line they belong to; each part must be over the limit.</summary>
    private static List<string> Joined(List<(LineReadStatus Status, string Text)> results, int max)
    {
        var lines = new List<string>();
        var parts = new StringBuilder();
        foreach (var (status, text) in results)
        {
            switch (status)
            {
                case LineReadStatus.Part:
                    Assert.True(text.Length > max, $"a part of {text.Length} bytes, within the limit of {max}");
                    parts.Append(text);
                    break;
                case LineReadStatus.TooLong:
                    lines.Add("<too long>");
                    break;
                default:
                    lines.Add(parts.Append(text).ToString());
                    parts.Clear();
                    break;
            }
        }

        return lines;
    }
}
