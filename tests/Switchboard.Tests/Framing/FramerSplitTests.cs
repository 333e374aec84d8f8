using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Framing;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>Every framer fed its input split at every byte boundary: in memory, then through a real pipe.</summary>
public sealed class FramerSplitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(FramingCases.Names), MemberType = typeof(FramingCases))]
    public void EveryFrameIsFoundWhenTheInputArrivesInTwoPartsSplitAtAnyByte(string name)
    {
        var framer = FramingCases.Create(name);
        var messages = FramingCases.Messages(name);
        var wire = FramingCases.Encode(framer, messages);
        for (var split = 0; split <= wire.Length; split++)
        {
            framer.Reset();

            // First only the bytes before the split have arrived: whole frames come out, a partial one waits.
            var early = TestSegment.Sequence(wire.AsMemory(0, split));
            var frames = FramingCases.ParseAvailable(framer, ref early);
            var consumed = split - (int)early.Length;

            // Then the rest arrives in a second segment, behind what was not consumed.
            var rest = TestSegment.Sequence(wire.AsMemory(consumed, split - consumed), wire.AsMemory(split));
            frames.AddRange(FramingCases.ParseToEnd(framer, rest));
            Assert.Equal(messages, frames);
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(FramingCases.Names), MemberType = typeof(FramingCases))]
    public void EveryFrameIsFoundInThreeSegmentsSplitAtAnyTwoBytes(string name)
    {
        var framer = FramingCases.Create(name);
        var messages = FramingCases.Messages(name);
        var wire = FramingCases.Encode(framer, messages);
        for (var first = 0; first <= wire.Length; first++)
        {
            for (var second = first; second <= wire.Length; second++)
            {
                framer.Reset();
                var input = TestSegment.Sequence(wire.AsMemory(0, first), wire.AsMemory(first, second - first), wire.AsMemory(second));
                Assert.Equal(messages, FramingCases.ParseToEnd(framer, input));
            }
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(FramingCases.Names), MemberType = typeof(FramingCases))]
    public async Task AFrameReaderOnARealPipeGetsEveryFrameWhateverTheSplit(string name)
    {
        var messages = FramingCases.Messages(name);
        var wire = FramingCases.Encode(FramingCases.Create(name), messages);
        for (var split = 0; split <= wire.Length; split++)
        {
            var pipe = new Pipe();
            var reading = FramingCases.ReadAllAsync(pipe.Reader, FramingCases.Create(name));
            await pipe.Writer.WriteAsync(wire.AsMemory(0, split), Ct);
            await Task.Yield();
            await pipe.Writer.WriteAsync(wire.AsMemory(split), Ct);
            await pipe.Writer.CompleteAsync();
            Assert.Equal(messages, await reading);
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(FramingCases.Names), MemberType = typeof(FramingCases))]
    public async Task AFrameReaderGetsEveryFrameWhenBytesArriveOneAtATime(string name)
    {
        var messages = FramingCases.Messages(name);
        var wire = FramingCases.Encode(FramingCases.Create(name), messages);
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var reading = Task.Run(() => FramingCases.ReadAllAsync(pipe.Reader, FramingCases.Create(name)));
        for (var i = 0; i < wire.Length; i++)
        {
            await pipe.Writer.WriteAsync(wire.AsMemory(i, 1), Ct);
            await Task.Yield();
        }

        await pipe.Writer.CompleteAsync();
        Assert.Equal(messages, await reading);
    }
}
