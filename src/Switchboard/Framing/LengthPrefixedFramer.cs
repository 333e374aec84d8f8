using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace Switchboard.Framing;

/// <summary>
/// Each message is preceded by its length in a 1, 2, 4 or 8 byte integer, big- or little-endian: Python's
/// <c>struct.pack("!I", len(data)) + data</c>. The prefix counts the payload only. A prefix over
/// <see cref="MaxFrameLength"/> is rejected as soon as it arrives, before any payload is buffered; with
/// <see cref="IsSigned"/>, a negative prefix is an <see cref="InvalidLengthPrefixException"/>.
/// </summary>
public sealed class LengthPrefixedFramer : IFramer
{
    /// <summary>Creates a framer.</summary>
    /// <param name="prefixLength">Bytes in the prefix: 1, 2, 4 or 8. Defaults to 4.</param>
    /// <param name="byteOrder">The prefix's byte order; defaults to network order (big-endian).</param>
    /// <param name="maxFrameLength">The longest payload; defaults to <see cref="FramingLimits.DefaultMaxMessageLength"/>,
    /// or less when the prefix cannot express that much; may not exceed what the prefix can express.</param>
    /// <param name="isSigned">Read the prefix as a signed integer (Java's <c>writeInt</c>), so the top bit means negative.</param>
    public LengthPrefixedFramer(
        int prefixLength = 4,
        ByteOrder byteOrder = ByteOrder.BigEndian,
        int? maxFrameLength = null,
        bool isSigned = false)
    {
        if (prefixLength is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, "the prefix must be 1, 2, 4 or 8 bytes");
        }

        var largest = prefixLength switch
        {
            1 => isSigned ? sbyte.MaxValue : byte.MaxValue,
            2 => isSigned ? short.MaxValue : ushort.MaxValue,
            _ => int.MaxValue,
        };
        var max = maxFrameLength ?? Math.Min(FramingLimits.DefaultMaxMessageLength, largest);
        ArgumentOutOfRangeException.ThrowIfNegative(max, nameof(maxFrameLength));
        if (max > largest)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFrameLength), max, string.Create(CultureInfo.InvariantCulture, $"a {prefixLength}-byte prefix holds at most {largest}"));
        }

        PrefixLength = prefixLength;
        ByteOrder = byteOrder;
        MaxFrameLength = max;
        IsSigned = isSigned;
    }

    /// <summary>Bytes in the prefix.</summary>
    public int PrefixLength { get; }

    /// <summary>The prefix's byte order.</summary>
    public ByteOrder ByteOrder { get; }

    /// <summary>True when the prefix is read as a signed integer.</summary>
    public bool IsSigned { get; }

    /// <inheritdoc/>
    public int MaxFrameLength { get; }

    /// <inheritdoc/>
    public long MaxEncodedLength => (long)PrefixLength + MaxFrameLength;

    /// <inheritdoc/>
    public bool TryRead(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (input.Length < PrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[8];
        prefix = prefix[..PrefixLength];
        input.Slice(0, PrefixLength).CopyTo(prefix);
        var length = Decode(prefix);
        if (input.Length - PrefixLength < length)
        {
            return false;
        }

        frame = input.Slice(PrefixLength, length);
        input = input.Slice(frame.End);
        return true;
    }

    /// <inheritdoc/>
    public bool TryReadAtEnd(ref ReadOnlySequence<byte> input, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WritePrefix(payload.Length, output);
        output.Write(payload);
    }

    /// <inheritdoc/>
    public void Write(in ReadOnlySequence<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WritePrefix(payload.Length, output);
        foreach (var segment in payload)
        {
            output.Write(segment.Span);
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    private long Decode(ReadOnlySpan<byte> prefix)
    {
        var big = ByteOrder == ByteOrder.BigEndian;
        long value;
        if (IsSigned)
        {
            value = PrefixLength switch
            {
                1 => (sbyte)prefix[0],
                2 => big ? BinaryPrimitives.ReadInt16BigEndian(prefix) : BinaryPrimitives.ReadInt16LittleEndian(prefix),
                4 => big ? BinaryPrimitives.ReadInt32BigEndian(prefix) : BinaryPrimitives.ReadInt32LittleEndian(prefix),
                _ => big ? BinaryPrimitives.ReadInt64BigEndian(prefix) : BinaryPrimitives.ReadInt64LittleEndian(prefix),
            };
            if (value < 0)
            {
                throw new InvalidLengthPrefixException(value);
            }
        }
        else
        {
            var unsigned = PrefixLength switch
            {
                1 => prefix[0],
                2 => big ? BinaryPrimitives.ReadUInt16BigEndian(prefix) : BinaryPrimitives.ReadUInt16LittleEndian(prefix),
                4 => big ? BinaryPrimitives.ReadUInt32BigEndian(prefix) : BinaryPrimitives.ReadUInt32LittleEndian(prefix),
                _ => big ? BinaryPrimitives.ReadUInt64BigEndian(prefix) : BinaryPrimitives.ReadUInt64LittleEndian(prefix),
            };
            if (unsigned > (ulong)MaxFrameLength)
            {
                throw PrefixTooLarge(unsigned.ToString(CultureInfo.InvariantCulture), unsigned > long.MaxValue ? long.MaxValue : (long)unsigned);
            }

            value = (long)unsigned;
        }

        if (value > MaxFrameLength)
        {
            throw PrefixTooLarge(value.ToString(CultureInfo.InvariantCulture), value);
        }

        return value;
    }

    private FrameTooLargeException PrefixTooLarge(string shown, long length) => new(
        length,
        MaxFrameLength,
        $"length prefix says {shown} bytes, over MaxFrameLength ({MaxFrameLength.ToString(CultureInfo.InvariantCulture)} bytes)");

    private void WritePrefix(long length, IBufferWriter<byte> output)
    {
        if (length > MaxFrameLength)
        {
            throw FrameTooLargeException.Payload(length, MaxFrameLength);
        }

        var span = output.GetSpan(PrefixLength)[..PrefixLength];
        var big = ByteOrder == ByteOrder.BigEndian;
        switch (PrefixLength)
        {
            case 1:
                span[0] = (byte)length;
                break;
            case 2 when big:
                BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
                break;
            case 4 when big:
                BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
                break;
            case 8 when big:
                BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)length);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)length);
                break;
        }

        output.Advance(PrefixLength);
    }
}
