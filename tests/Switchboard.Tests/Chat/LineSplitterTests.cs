using System.Text;
using Switchboard.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

public sealed class LineSplitterTests
{
    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("one\r\ntwo\r\n", new[] { "one", "two" })]
    [InlineData("one\ntwo\n", new[] { "one", "two" })]
    [InlineData("one\r\0two\r\0", new[] { "one", "two" })]
    [InlineData("one\rtwo\r", new[] { "one", "two" })]
    [InlineData("one\r\n\r\nthree\n", new[] { "one", "", "three" })]
    [InlineData("mixed\r\nendings\nhere\r\0and\rthere\n", new[] { "mixed", "endings", "here", "and", "there" })]
    [InlineData("no end yet", new string[0])]
    public void SplitsEveryLineEndingTheSameWhereverTheInputIsSplit(string input, string[] expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.Equal(expected, Split(10, bytes[..split], bytes[split..]));
        }

        Assert.Equal(expected, Split(10, [.. bytes.Select(b => new[] { b })]));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ALineOfExactlyTheLimitPassesAndOneByteMoreIsDiscardedWholeAndReportedOnce()
    {
        var input = Encoding.ASCII.GetBytes("12345\r\n123456\r\nnext\r\n" + new string('x', 100) + "\nlast\n");
        for (var split = 0; split <= input.Length; split++)
        {
            Assert.Equal(["12345", "<too long>", "next", "<too long>", "last"], Split(5, input[..split], input[split..]));
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ATooLongLineIsReportedAsSoonAsItPassesTheLimit()
    {
        var splitter = new LineSplitter(4);
        var lines = new List<SplitLine>();
        splitter.Split("abcde"u8, lines);
        Assert.Single(lines);
        Assert.True(lines[0].TooLong);
        splitter.Split(new byte[10_000], lines);
        Assert.Single(lines); // still discarding, memory stays at the limit
        Assert.Equal(0, splitter.PendingBytes);
    }

    private static string[] Split(int max, params byte[][] buffers)
    {
        var splitter = new LineSplitter(max);
        var lines = new List<SplitLine>();
        foreach (var buffer in buffers)
        {
            splitter.Split(buffer, lines);
        }

        return [.. lines.Select(l => l.TooLong ? "<too long>" : Encoding.ASCII.GetString(l.Bytes.Span))];
    }
}
