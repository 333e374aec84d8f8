using System.Buffers;
using BenchmarkDotNet.Attributes;
using Switchboard.Framing;

namespace Switchboard.Benchmarks;

/// <summary>
/// Each framer of <c>Switchboard.Framing</c> reading and writing one frame, reported per frame
/// (<c>OperationsPerInvoke</c>). Reads walk a buffer of back-to-back frames cut into 4 KiB segments, as a
/// connection's pipe hands them over, so frames straddle segment boundaries; writes go to a reused buffer writer.
/// The target (issue 6) is zero bytes allocated per framed message.
/// </summary>
[MemoryDiagnoser]
public class FramerBenchmarks
{
    private const int FramesPerInvoke = 64;
    private const int SegmentSize = 4096;

    private IFramer _framer = null!;
    private byte[] _payload = [];
    private ReadOnlySequence<byte> _wire;
    private ArrayBufferWriter<byte> _output = null!;

    /// <summary>The framing: 4-byte big-endian length prefix, newline-delimited, fixed length, ended by close.</summary>
    [Params("length-prefixed", "line", "fixed", "close-delimited")]
    public string Framing { get; set; } = "";

    /// <summary>Payload bytes per frame.</summary>
    [Params(64, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _framer = Framing switch
        {
            "length-prefixed" => new LengthPrefixedFramer(),
            "line" => DelimitedFramer.NewLine(maxFrameLength: 64 * 1024),
            "fixed" => new FixedLengthFramer(Size),
            "close-delimited" => new CloseDelimitedFramer(),
            _ => throw new ArgumentException($"unknown framing {Framing}"),
        };
        _payload = new byte[Size];
        Array.Fill(_payload, (byte)'x'); // no delimiter inside a line
        var frames = Framing == "close-delimited" ? 1 : FramesPerInvoke; // one message per stream, by definition
        var encoded = new ArrayBufferWriter<byte>();
        for (var i = 0; i < frames; i++)
        {
            _framer.Write(_payload, encoded);
        }

        _wire = ChainedSegment.Split(encoded.WrittenMemory.ToArray(), SegmentSize);
        _output = new ArrayBufferWriter<byte>(encoded.WrittenCount * (FramesPerInvoke / frames));
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "read one frame")]
    public long Read()
    {
        long total = 0;
        if (_framer is CloseDelimitedFramer)
        {
            for (var i = 0; i < FramesPerInvoke; i++)
            {
                _framer.Reset();
                var input = _wire;
                if (_framer.TryRead(ref input, out var frame) || _framer.TryReadAtEnd(ref input, out frame))
                {
                    total += frame.Length;
                }
            }
        }
        else
        {
            var input = _wire;
            while (_framer.TryRead(ref input, out var frame))
            {
                total += frame.Length;
            }
        }

        return total == (long)FramesPerInvoke * Size ? total : throw new InvalidOperationException($"read {total} payload bytes");
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "write one frame")]
    public int Write()
    {
        _output.ResetWrittenCount();
        for (var i = 0; i < FramesPerInvoke; i++)
        {
            _framer.Write(_payload, _output);
        }

        return _output.WrittenCount;
    }
}
