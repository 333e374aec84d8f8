namespace Switchboard.Cli.Relay;

/// <summary>
/// The one end-of-file policy of <c>connect</c> and <c>listen</c>, as printed by <c>--help</c> (docs/cli.md says the
/// same, and Cli/EofPolicyTests checks each case).
/// </summary>
internal static class EofPolicy
{
    public const string Text = """
        End of file (the same for connect and listen):
          stream (tcp, unix), stdin EOF: everything read is sent, then the sending side is half-closed (FIN,
            shutdown(SHUT_WR)) and what the peer sends is still printed until it closes; then exit 0.
            --no-shutdown: no FIN, same wait. -q SECS: exit 0 at most SECS after stdin EOF. --send-only: exit 0
            right after the FIN.
          stream, peer EOF: what the peer sent is printed; piped stdin is still sent to its end (the peer may only
            have half-closed, as nc -N does), then the connection is closed and the tool exits 0; a send failing
            because the peer has gone entirely also ends it with 0. On a terminal, peer EOF ends the session at
            once. A reset while receiving is an error: exit 1.
          datagram (udp, unixgram), stdin EOF: the last line goes out (even without a newline), then replies are
            printed until none has come for --wait (2s); then exit 0. -q SECS caps that wait; --send-only exits at once.
          datagram, peer EOF: datagrams have none; 'port unreachable' (udp) or a vanished socket (unixgram) is
            'connection refused': exit 1.
          --recv-only: stdin is never read and no FIN is sent; a stream ends at peer EOF.
          listen: the same for its connection; it exits when that connection ends. With --keep-open it serves until
            SIGINT/SIGTERM (or -q SECS after stdin EOF); stdin goes to every connected peer at the slowest one's
            pace, a peer that takes none of it for 5s is dropped (noted on stderr), and a peer arriving after
            stdin EOF is half-closed at once. A datagram listener prints every peer's datagrams, sends stdin
            lines to the last sender, and runs until SIGINT/SIGTERM (or -q SECS after stdin EOF).
        On a terminal one Ctrl-C quits, and the session ends when the peer closes. A second Ctrl-C (250ms or more
        after the first), or any signal 1s or more after it, exits at once (130).
        Exit codes: 0 success (SIGINT/SIGTERM included), 1 network error (refused, timed out, unknown host, reset,
        --idle expired), 2 usage error.
        """;
}
