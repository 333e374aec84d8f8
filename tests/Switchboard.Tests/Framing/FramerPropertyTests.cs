using System.Buffers;
using System.IO.Pipelines;
using CsCheck;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>Random messages written by a framer's writer come back whole from its reader, however the bytes arrive.</summary>
public sealed class FramerPropertyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(FramingCases.Names), MemberType = typeof(FramingCases))]
    public async Task RandomMessagesRoundTripThroughWriterAndReaderInRandomChunks(string name)
    {
        var chunks = Gen.Int[1, 64].Array[1, 16];
        await Gen.Select(MessagesFor(name), chunks).SampleAsync(
            async (messages, chunkSizes) =>
            {
                var wire = FramingCases.Encode(FramingCases.Create(name), messages);
                var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
                var reading = Task.Run(() => FramingCases.ReadAllAsync(pipe.Reader, FramingCases.Create(name)));
                var sent = 0;
                for (var i = 0; sent < wire.Length; i++)
                {
                    var size = Math.Min(chunkSizes[i % chunkSizes.Length], wire.Length - sent);
                    await pipe.Writer.WriteAsync(wire.AsMemory(sent, size), Ct);
                    sent += size;
                }

                await pipe.Writer.CompleteAsync();
                Assert.Equal(messages, await reading);
            },
            iter: 150,
            threads: 1);
    }

    private static Gen<byte[][]> MessagesFor(string name) => name switch
    {
        "fixed8" => Gen.Byte.Array[8].Array[0, 20],
        "newline" => Gen.Byte.Where(b => b != '\n').Array[0, 64].Array[0, 20],
        "crlf" => Gen.OneOf((byte)'a', (byte)'\r', (byte)'\n').Array[0, 12].Where(m => m.AsSpan().IndexOf("\r\n"u8) < 0).Array[0, 20],
        "nul" => Gen.Byte.Where(b => b != 0).Array[0, 64].Array[0, 20],
        "close" => Gen.Byte.Array[0, 3000].Select(m => new[] { m }),
        _ => Gen.Byte.Array[0, 255].Array[0, 20],
    };
}
