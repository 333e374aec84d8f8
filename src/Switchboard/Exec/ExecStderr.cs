namespace Switchboard.Exec;

/// <summary>Where a child's stderr goes (<see cref="ExecOptions.Stderr"/>).</summary>
public enum ExecStderr
{
    /// <summary>To the server's log, one line at a time with the connection id and pid; the default.</summary>
    Log,

    /// <summary>To the peer, mixed with stdout as a terminal would show them (ncat's <c>-e</c> does not; socat's <c>stderr</c> option does).</summary>
    Peer,

    /// <summary>To /dev/null.</summary>
    Discard,

    /// <summary>
    /// To this process's own stderr, unchanged, as ncat's <c>-e</c> and inetd's <c>wait</c> services leave it: for a
    /// tool that runs one program on one connection (<c>connect --exec</c>, <c>listen --exec</c>, their default).
    /// </summary>
    Inherit,
}
