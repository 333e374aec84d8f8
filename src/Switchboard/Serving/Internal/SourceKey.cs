using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Serving.Internal;

/// <summary>
/// A datagram source as the reply limit counts it, in 16 bytes: an IP address (IPv4 as its IPv4-mapped IPv6 form,
/// so a dual-stack listener counts <c>1.2.3.4</c> and <c>::ffff:1.2.3.4</c> once), or a Unix socket path's hash.
/// The port is left out on purpose: a reflection victim is an address, and a spoofer picks ports at will.
/// </summary>
internal readonly record struct SourceKey(ulong High, ulong Low)
{
    // 100::/64 is the IPv6 discard prefix (RFC 6666): no datagram comes from it, so Unix keys cannot meet IP keys.
    private const ulong UnixPrefix = 0x0100_0000_0000_0000;
    private const ulong MappedIPv4Prefix = 0x0000_FFFF_0000_0000;

    // Per process: which set a source lands in cannot be chosen from outside (HashCode is randomly seeded).
    private static readonly int PathSeed = Random.Shared.Next();

    /// <summary>
    /// Reads the key of <paramref name="address"/> without allocating. False for an address that cannot be
    /// replied to (an unnamed Unix socket, an unknown family). <paramref name="isLocal"/>: the source cannot be
    /// spoofed from off the host — a loopback address or a Unix socket.
    /// </summary>
    public static bool TryRead(SocketAddress address, out SourceKey key, out bool isLocal)
    {
        var bytes = address.Buffer.Span[..address.Size];
        switch (address.Family)
        {
            case AddressFamily.InterNetwork: // sockaddr_in: family, port, then the address
                var v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
                key = new SourceKey(0, MappedIPv4Prefix | v4);
                isLocal = key.IsLoopback;
                return true;
            case AddressFamily.InterNetworkV6: // sockaddr_in6: family, port, flow info, then the address
                key = new SourceKey(BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]));
                isLocal = key.IsLoopback;
                return true;
            case AddressFamily.Unix when bytes.Length > 2: // sockaddr_un: family, then the path (or @name)
                var path = bytes[2..];
                var first = new HashCode();
                first.AddBytes(path);
                var second = new HashCode();
                second.Add(PathSeed);
                second.AddBytes(path);
                key = new SourceKey(UnixPrefix, ((ulong)(uint)first.ToHashCode() << 32) | (uint)second.ToHashCode());
                isLocal = true;
                return true;
            default:
                key = default;
                isLocal = false;
                return false;
        }
    }

    /// <summary>The key of an IP address, for tests and benchmarks.</summary>
    public static SourceKey Of(IPAddress address)
    {
        var v6 = address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        Span<byte> bytes = stackalloc byte[16];
        v6.TryWriteBytes(bytes, out _);
        return new SourceKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>::1, or an IPv4 loopback address (127.0.0.0/8) in either form.</summary>
    public bool IsLoopback => High == 0 && (Low == 1 || (Low >> 32 == 0xFFFF && ((Low >> 24) & 0xFF) == 127));

    /// <summary>A well-mixed hash that outsiders cannot predict: HashCode is seeded per process.</summary>
    public int Hash => HashCode.Combine(High, Low);
}
