using System.Buffers;
using BenchmarkDotNet.Attributes;
using Switchboard.Framing;

namespace Switchboard.Benchmarks;

/// <summary>
/// <see cref="LineReader"/> against the framer it is built on, reading back-to-back lines cut into 4 KiB segments
/// as a pipe hands them over. The reader adds its overflow rule (here <see cref="LineOverflow.Skip"/>); the target
/// is the framer's cost per line and zero bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class LineReaderBenchmarks
{
    private const int LinesPerInvoke = 64;

    private DelimitedFramer _framer = null!;
    private LineReader _reader = null!;
    private ReadOnlySequence<byte> _wire;

    /// <summary>Payload bytes per line.</summary>
    [Params(64, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _framer = DelimitedFramer.NewLine(64 * 1024);
        _reader = new LineReader(_framer, LineOverflow.Skip);
        var line = new byte[Size + 1];
        Array.Fill(line, (byte)'x');
        line[^1] = (byte)'\n';
        var encoded = new ArrayBufferWriter<byte>();
        for (var i = 0; i < LinesPerInvoke; i++)
        {
            encoded.Write(line);
        }

        _wire = ChainedSegment.Split(encoded.WrittenMemory.ToArray(), 4096);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LinesPerInvoke, Description = "framer: one line")]
    public long Framer()
    {
        long total = 0;
        var input = _wire;
        while (_framer.TryRead(ref input, out var frame))
        {
            total += frame.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = LinesPerInvoke, Description = "line reader: one line")]
    public long Reader()
    {
        long total = 0;
        var input = _wire;
        while (_reader.Read(ref input, out var line) == LineReadStatus.Line)
        {
            total += line.Length;
        }

        return total;
    }
}
