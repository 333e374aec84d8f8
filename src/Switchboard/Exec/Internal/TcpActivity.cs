using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchboard.Exec.Internal;

/// <summary>
/// How long since data last moved on a TCP socket either way, from the kernel's <c>TCP_INFO</c>
/// (<c>tcpi_last_data_sent</c>, <c>tcpi_last_data_recv</c>: milliseconds ago), for a socket the server does not
/// read itself (direct mode).
/// </summary>
internal static class TcpActivity
{
    private const int TcpInfo = 11; // TCP_INFO
    private const int LastDataSentOffset = 44;
    private const int LastDataReceivedOffset = 52;

    /// <summary>The quiet time; <see cref="TimeSpan.Zero"/> when the kernel cannot say (then nothing is idle).</summary>
    public static TimeSpan IdleFor(Socket socket)
    {
        Span<byte> info = stackalloc byte[256];
        try
        {
            var length = socket.GetRawSocketOption((int)SocketOptionLevel.Tcp, TcpInfo, info);
            if (length < LastDataReceivedOffset + 4)
            {
                return TimeSpan.Zero;
            }

            var sent = MemoryMarshal.Read<uint>(info[LastDataSentOffset..]);
            var received = MemoryMarshal.Read<uint>(info[LastDataReceivedOffset..]);
            return TimeSpan.FromMilliseconds(Math.Min(sent, received));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or PlatformNotSupportedException)
        {
            return TimeSpan.Zero;
        }
    }
}
