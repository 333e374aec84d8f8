namespace Switchboard.Cli.Relay;

/// <summary>
/// Stdout is gone (the reader of the pipe exited, as <c>| head</c> does): the exchange is over, exit 0 quietly,
/// where netcat would die of SIGPIPE. .NET ignores SIGPIPE, so this is how the relay learns of it.
/// </summary>
internal sealed class StdoutClosedException(Exception innerException) : IOException("stdout is closed", innerException);
