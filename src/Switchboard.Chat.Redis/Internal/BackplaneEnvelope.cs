using System.Buffers.Binary;
using System.Text;

namespace Switchboard.Chat.Redis.Internal;

/// <summary>What a backplane message is for: a line for a room, or a private line for one nick.</summary>
internal enum EnvelopeKind : byte
{
    /// <summary>A line (said, /me, or a notice) for every member of the room named by the target.</summary>
    Room = (byte)'R',

    /// <summary>A line for the one member whose nick is the target.</summary>
    Private = (byte)'P',

    /// <summary>
    /// No line: the sender's last sequence number on this channel so far, sent in order after its lines, so a
    /// receiver that has not seen them all by then never will.
    /// </summary>
    Sync = (byte)'S',
}

/// <summary>
/// One message between servers, with (server, epoch, sequence) so a receiver can tell that lines went missing:
/// the sequence counts per sender and channel, the epoch changes when the sender restarts. The layout is ours and
/// binary, so a line's bytes travel unchanged: version, kind, epoch, sequence (big-endian), server id and target
/// (length-prefixed UTF-8), then the line.
/// </summary>
internal readonly record struct BackplaneEnvelope(EnvelopeKind Kind, string Server, long Epoch, long Sequence, string Target, ReadOnlyMemory<byte> Line)
{
    private const byte Version = 1;
    private const int FixedLength = 1 + 1 + 8 + 8 + 1 + 2;

    public byte[] Encode()
    {
        var server = Encoding.UTF8.GetBytes(Server);
        var target = Encoding.UTF8.GetBytes(Target);
        if (server.Length > byte.MaxValue || target.Length > ushort.MaxValue)
        {
            throw new ArgumentException("server id or target too long for an envelope");
        }

        var bytes = new byte[FixedLength + server.Length + target.Length + Line.Length];
        var span = bytes.AsSpan();
        span[0] = Version;
        span[1] = (byte)Kind;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], Epoch);
        BinaryPrimitives.WriteInt64BigEndian(span[10..], Sequence);
        span[18] = (byte)server.Length;
        server.CopyTo(span[19..]);
        var at = 19 + server.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)target.Length);
        target.CopyTo(span[(at + 2)..]);
        Line.Span.CopyTo(span[(at + 2 + target.Length)..]);
        return bytes;
    }

    /// <summary>False for anything that is not an envelope of ours (another program on the same channel, a newer version).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> bytes, out BackplaneEnvelope envelope)
    {
        envelope = default;
        var span = bytes.Span;
        if (span.Length < FixedLength || span[0] != Version || span[1] is not ((byte)EnvelopeKind.Room or (byte)EnvelopeKind.Private or (byte)EnvelopeKind.Sync))
        {
            return false;
        }

        var serverLength = span[18];
        if (span.Length < FixedLength + serverLength)
        {
            return false;
        }

        var at = 19 + serverLength;
        var targetLength = BinaryPrimitives.ReadUInt16BigEndian(span[at..]);
        if (span.Length < FixedLength + serverLength + targetLength)
        {
            return false;
        }

        envelope = new BackplaneEnvelope(
            (EnvelopeKind)span[1],
            Encoding.UTF8.GetString(span.Slice(19, serverLength)),
            BinaryPrimitives.ReadInt64BigEndian(span[2..]),
            BinaryPrimitives.ReadInt64BigEndian(span[10..]),
            Encoding.UTF8.GetString(span.Slice(at + 2, targetLength)),
            bytes[(at + 2 + targetLength)..]);
        return true;
    }
}
