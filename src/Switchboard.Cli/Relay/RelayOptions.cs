namespace Switchboard.Cli.Relay;

/// <summary>How <c>connect</c> and <c>listen</c> move bytes between the terminal (or pipes) and a peer.</summary>
internal sealed record RelayOptions
{
    /// <summary>Read stdin and send it; false with <c>--recv-only</c> (stdin is never read, nothing is sent).</summary>
    public bool Send { get; init; } = true;

    /// <summary>Print what the peer sends; false with <c>--send-only</c> (it is read and thrown away).</summary>
    public bool Receive { get; init; } = true;

    /// <summary>Half-close (FIN) a stream at stdin EOF; false with <c>--no-shutdown</c>.</summary>
    public bool HalfClose { get; init; } = true;

    /// <summary><c>-q</c>: after stdin EOF, quit this long later even if the peer is still open. Null: wait for it.</summary>
    public TimeSpan? QuitAfterStdinEof { get; init; }

    /// <summary><c>--idle</c>: end with an error when nothing moves either way for this long. Null: never.</summary>
    public TimeSpan? Idle { get; init; }

    /// <summary><c>--wait</c>: after stdin EOF on a datagram socket, the quiet spell that ends the wait for replies.</summary>
    public TimeSpan DatagramWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>--datagram-per-chunk</c>: one datagram per stdin read instead of one per line.</summary>
    public bool DatagramPerChunk { get; init; }

    /// <summary>Stdin is a terminal: lines are sent as typed, and peer EOF ends the session without waiting for Ctrl-D.</summary>
    public bool StdinIsTerminal { get; init; }

    /// <summary><c>-v</c>: say who connected, from where, and why it ended, on stderr.</summary>
    public bool Verbose { get; init; }
}
