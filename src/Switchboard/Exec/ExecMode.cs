namespace Switchboard.Exec;

/// <summary>How a child's stdin and stdout reach the connection (<see cref="ExecOptions.Mode"/>).</summary>
public enum ExecMode
{
    /// <summary>
    /// The server relays: the peer's bytes are written to the child's stdin, its stdout is sent to the peer, each
    /// direction ending on its own. Works over every transport and model, TLS included; the default.
    /// </summary>
    Relay,

    /// <summary>
    /// The accepted socket itself is the child's stdin and stdout, as inetd hands it over: no copies, no relay.
    /// Linux, TCP and Unix stream sockets only; refused for TLS, whose bytes the child could not read. The child
    /// then owns the socket: the server sees none of its traffic, so byte counts are zero, and the idle timeout
    /// reads the kernel's last-data times of a TCP socket (a Unix socket is never idle-closed).
    /// </summary>
    Direct,
}
