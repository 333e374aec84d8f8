using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Framing;

namespace Switchboard.Tests.Framing;

/// <summary>Every framer configuration under test, with messages it can carry, and helpers to run them.</summary>
public static class FramingCases
{
    public static TheoryData<string> Names =>
    [
        "fixed8", "newline", "crlf", "nul", "prefix1", "prefix2le", "prefix2be", "prefix4be", "prefix4le",
        "prefix4signed", "prefix8be", "prefix8le", "close",
    ];

    public static IFramer Create(string name, int? max = null) => name switch
    {
        "fixed8" => new FixedLengthFramer(max ?? 8),
        "newline" => DelimitedFramer.NewLine(max ?? FramingLimits.DefaultMaxLineLength),
        "crlf" => DelimitedFramer.CrLf(max ?? FramingLimits.DefaultMaxLineLength),
        "nul" => new DelimitedFramer([0], max ?? FramingLimits.DefaultMaxLineLength),
        "prefix1" => new LengthPrefixedFramer(1, maxFrameLength: max ?? 255),
        "prefix2le" => new LengthPrefixedFramer(2, ByteOrder.LittleEndian, max ?? 65535),
        "prefix2be" => new LengthPrefixedFramer(2, ByteOrder.BigEndian, max ?? 65535),
        "prefix4be" => new LengthPrefixedFramer(4, ByteOrder.BigEndian, max ?? FramingLimits.DefaultMaxMessageLength),
        "prefix4le" => new LengthPrefixedFramer(4, ByteOrder.LittleEndian, max ?? FramingLimits.DefaultMaxMessageLength),
        "prefix4signed" => new LengthPrefixedFramer(4, ByteOrder.BigEndian, max ?? FramingLimits.DefaultMaxMessageLength, isSigned: true),
        "prefix8be" => new LengthPrefixedFramer(8, ByteOrder.BigEndian, max ?? FramingLimits.DefaultMaxMessageLength),
        "prefix8le" => new LengthPrefixedFramer(8, ByteOrder.LittleEndian, max ?? FramingLimits.DefaultMaxMessageLength),
        "close" => new CloseDelimitedFramer(max ?? FramingLimits.DefaultMaxMessageLength),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    /// <summary>A few messages, edge cases included, that <paramref name="name"/> can carry.</summary>
    public static byte[][] Messages(string name) => name switch
    {
        "fixed8" => ["ABCDEFGH"u8.ToArray(), new byte[8], "\n\r\n\0xyz!"u8.ToArray()],
        "newline" => ["one"u8.ToArray(), [], "two\r"u8.ToArray(), [0, 1, 255, 13]],
        "crlf" => ["a\rb"u8.ToArray(), "\n"u8.ToArray(), [], "end\r"u8.ToArray()],
        "nul" => ["text"u8.ToArray(), [], [1, 2, 255]],
        "close" => ["everything until the close\n\r\n\0"u8.ToArray()],
        _ => [[], "x"u8.ToArray(), [0, 0, 0, 0, 255, 254, 10, 13], "length prefixed"u8.ToArray()],
    };

    /// <summary>The bytes a writer produces for <paramref name="messages"/>.</summary>
    public static byte[] Encode(IFramer framer, IEnumerable<byte[]> messages)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
        {
            framer.Write(message, output);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Parses everything in <paramref name="input"/> with the pure parser, as a read loop would at end of stream.</summary>
    public static List<byte[]> ParseToEnd(IFramer framer, ReadOnlySequence<byte> input)
    {
        var frames = ParseAvailable(framer, ref input);
        if (framer.TryReadAtEnd(ref input, out var last))
        {
            frames.Add(last.ToArray());
        }

        Assert.True(input.IsEmpty, $"{input.Length} bytes left unparsed");
        return frames;
    }

    /// <summary>Takes every complete frame from the front of <paramref name="input"/>.</summary>
    public static List<byte[]> ParseAvailable(IFramer framer, ref ReadOnlySequence<byte> input)
    {
        var frames = new List<byte[]>();
        while (framer.TryRead(ref input, out var frame))
        {
            frames.Add(frame.ToArray());
        }

        return frames;
    }

    /// <summary>Reads every frame from <paramref name="reader"/> with a <see cref="FrameReader"/> until the clean end.</summary>
    public static async Task<List<byte[]>> ReadAllAsync(PipeReader reader, IFramer framer)
    {
        var frames = new List<byte[]>();
        using var frameReader = new FrameReader(reader, framer);
        while (await frameReader.ReadAsync(TestContext.Current.CancellationToken) is { } frame)
        {
            frames.Add(frame.ToArray());
        }

        return frames;
    }
}
