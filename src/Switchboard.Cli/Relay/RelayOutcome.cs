namespace Switchboard.Cli.Relay;

/// <summary>Why a relay ended. Every outcome but <see cref="Idle"/> is a success (exit 0).</summary>
internal enum RelayOutcome
{
    /// <summary>The peer closed its side and everything it sent was printed.</summary>
    PeerClosed,

    /// <summary><c>--send-only</c>: stdin ended and everything was sent.</summary>
    SendOnlyDone,

    /// <summary><c>-q</c> ran out after stdin EOF, or a datagram socket's quiet spell after stdin EOF passed.</summary>
    QuitAfterStdinEof,

    /// <summary>SIGINT or SIGTERM.</summary>
    Stopped,

    /// <summary><c>--idle</c>: nothing moved for that long (exit 1).</summary>
    Idle,
}
