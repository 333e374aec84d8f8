using System.Text;
using Switchboard.Cli.Relay;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli.Relay;

public sealed class DatagramSplitterTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EachLineIsOneDatagramWithItsNewlineWhereverTheReadsSplitIt()
    {
        var input = "one\ntwo two\n\nlast"u8.ToArray();
        for (var cut = 0; cut <= input.Length; cut++)
        {
            var splitter = new DatagramSplitter(perChunk: false, maxDatagram: 100);
            var datagrams = splitter.Push(input.AsSpan(0, cut)).Concat(splitter.Push(input.AsSpan(cut))).ToList();
            datagrams.Add(splitter.Flush()!);

            Assert.Equal(["one\n", "two two\n", "\n", "last"], datagrams.Select(d => Encoding.ASCII.GetString(d)));
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void NothingIsLeftAtEofAfterANewline()
    {
        var splitter = new DatagramSplitter(perChunk: false, maxDatagram: 100);
        Assert.Single(splitter.Push("x\n"u8));
        Assert.Null(splitter.Flush());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void PerChunkSendsEachReadWholeUpToTheMaximum()
    {
        var splitter = new DatagramSplitter(perChunk: true, maxDatagram: 4);
        Assert.Equal(["a\nb\n", "c"], splitter.Push("a\nb\nc"u8).Select(d => Encoding.ASCII.GetString(d)));
        Assert.Null(splitter.Flush());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ALineLongerThanADatagramIsAnErrorNamingTheLimit()
    {
        var splitter = new DatagramSplitter(perChunk: false, maxDatagram: 4);
        splitter.Push("abc"u8);
        var e = Assert.Throws<InvalidDataException>(() => splitter.Push("de\n"u8));
        Assert.Contains("more than 4 bytes", e.Message, StringComparison.Ordinal);
    }
}
