namespace Switchboard.Transport;

/// <summary>Socket options applied to listeners and the connections they accept.</summary>
public sealed class TransportOptions
{
    /// <summary>
    /// Sets <c>TCP_NODELAY</c> on accepted TCP connections. Defaults to true: request/response services such as
    /// echo answer small messages, and Nagle's algorithm would hold each answer back for an ACK (Kestrel's default too).
    /// </summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Sets <c>SO_KEEPALIVE</c> on accepted TCP connections. Defaults to false (the kernel's default).</summary>
    public bool KeepAlive { get; set; }

    /// <summary>
    /// Sets <c>SO_REUSEADDR</c> on TCP listeners so a restart is not refused while old connections sit in TIME_WAIT.
    /// Defaults to true. Set alone, never with <c>SO_REUSEPORT</c> (which .NET's own option adds on Linux), and
    /// never on UDP: either would let two servers silently share one port.
    /// </summary>
    public bool ReuseAddress { get; set; } = true;

    /// <summary><c>SO_SNDBUF</c> in bytes for sockets this server creates; null keeps the kernel's default.</summary>
    public int? SendBufferSize { get; set; }

    /// <summary><c>SO_RCVBUF</c> in bytes for sockets this server creates; null keeps the kernel's default.</summary>
    public int? ReceiveBufferSize { get; set; }

    /// <summary>
    /// The listen backlog for stream listeners. Defaults to 512 (Redis uses 511); the kernel caps it at
    /// <c>net.core.somaxconn</c>.
    /// </summary>
    public int Backlog { get; set; } = 512;

    /// <summary>
    /// Datagrams received (recvmmsg) and replies sent (sendmmsg) per system call on a UDP or Unix datagram listener,
    /// under the async and select models on 64-bit Linux. Defaults to 64, the C yardstick <c>udp_echo</c>'s batch:
    /// one wake-up and two system calls then serve up to 64 datagrams. Each listener reserves 64 KiB of address space
    /// per datagram of the batch (4 MiB at 64), made resident only as datagrams fill it. 1 turns batching off: one
    /// receive and one send per datagram through the runtime's calls, the path used elsewhere.
    /// </summary>
    public int DatagramBatchSize { get; set; } = DefaultDatagramBatchSize;

    /// <summary>The default <see cref="DatagramBatchSize"/>.</summary>
    public const int DefaultDatagramBatchSize = 64;

    /// <summary>The largest <see cref="DatagramBatchSize"/>: the kernel's <c>UIO_MAXIOV</c> caps one recvmmsg at 1024.</summary>
    public const int MostDatagramBatchSize = 1024;

    /// <summary>Permissions for Unix socket files this server creates; null leaves them to the umask.</summary>
    public UnixFileMode? UnixSocketMode { get; set; }
}
