using System.CommandLine;

namespace Switchboard.Cli.Commands.Bench;

/// <summary><c>switchboard bench MODE</c>: load generators for echo and chat servers, and idle connections.</summary>
internal static class BenchCommand
{
    public static Command Create() => new(
        "bench",
        "Load-test an echo server, a line-relaying chat server, or how many idle connections a server holds. "
        + "Targets must be loopback or Unix sockets unless --allow-remote is given. Linux only (epoll).")
    {
        EchoBenchCommand.Create(),
        ChatBenchCommand.Create(),
        ConnectionsBenchCommand.Create(),
    };
}
