using System.Net.Sockets;
using Switchboard.Chat;
using Switchboard.Cli;
using Switchboard.Cli.Parsing;
using Switchboard.Cli.Relay;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Cli;

/// <summary>
/// The one table from the library's option names to the tool's flags, and the one table from failures to exit
/// codes: what the library says of its options the operator reads as flags.
/// </summary>
public sealed class OptionFlagsTests
{
    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("rejected: 100 connections is the limit (MaxConnections)", "rejected: 100 connections is the limit (--max-connections)")]
    [InlineData("over its reply rate (DatagramReplyRate, DatagramReplyBurst)", "over its reply rate (--udp-reply-rate, --udp-reply-burst)")]
    [InlineData("closed by its handler: over a limit (e.g. MaxLine)", "closed by its handler: over a limit (e.g. --max-line)")]
    [InlineData("from one address is the limit (MaxConnectionsPerAddress)", "from one address is the limit (--max-connections-per-ip)")]
    [InlineData("(Transport.Backlog)", "(--backlog)")]
    public void ALogLineSaysTheFlagWhereTheLibraryNamedTheOption(string library, string tool)
    {
        Assert.Equal(tool, OptionFlags.InFlags(library));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("MaxConnections outside parentheses is left alone")]
    [InlineData("serving echo on tcp://127.0.0.1:7 (Async model)")]
    [InlineData("closed (Idle, Unknown)")]
    public void WordsThatAreNotAnOptionInParenthesesAreLeftAsTheyAre(string message)
    {
        Assert.Equal(message, OptionFlags.InFlags(message));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AnOptionOutOfRangeIsReportedWithItsFlagAndExitsTwo()
    {
        var error = Assert.Throws<OptionOutOfRangeException>(() => new ServerOptions { MaxConnections = 0 }.Validate());
        var (code, stderr) = Report(error);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Equal("switchboard: --max-connections must be a positive number, not 0", stderr);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EveryOptionsRefusalTheToolCanCauseNamesAFlag()
    {
        Action[] refusals =
        [
            () => new ServerOptions { IdleTimeout = TimeSpan.FromDays(100) }.Validate(),
            () => new ServerOptions { Transport = { ReceiveBufferSize = 0 } }.Validate(),
            () => new ServerOptions { Transport = { DatagramBatchSize = 0 } }.Validate(),
            () => new ServiceOptions { LineFlush = TimeSpan.FromDays(100) }.Validate(),
            () => new ChatOptions { LineBurst = 0 }.Validate(),
            () => new ClientOptions { ConnectTimeout = TimeSpan.Zero }.Validate(),
        ];
        foreach (var refuse in refusals)
        {
            var (_, stderr) = Report(Assert.Throws<OptionOutOfRangeException>(refuse));
            Assert.StartsWith("switchboard: -", stderr, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EachFailureHasOneExitCode()
    {
        var endpoint = EndpointUri.Parse("tcp://127.0.0.1:7");
        Assert.Equal((ExitCodes.UsageError, "switchboard: bad"), Report(new UsageException("bad")));
        Assert.Equal((ExitCodes.UsageError, "switchboard: bad"), Report(new ArgumentException("bad")));
        Assert.Equal((ExitCodes.NetworkError, "switchboard: refused"), Report(new ConnectionRefusedException("refused")));
        Assert.Equal((ExitCodes.NetworkError, "switchboard: cannot listen"), Report(new ListenerBindException("cannot listen")));
        Assert.Equal((ExitCodes.NetworkError, "switchboard: connection to tcp://127.0.0.1:7 reset by peer"), Report(new SocketException((int)SocketError.ConnectionReset), endpoint));
        Assert.Equal((ExitCodes.Success, ""), Report(new StdoutClosedException(new IOException("EPIPE"))));
        Assert.False(CommandFailure.Knows(new InvalidOperationException("a bug")));
    }

    /// <summary>What the user would see: the exit code and the stderr line.</summary>
    private static (int Code, string Stderr) Report(Exception e, EndpointUri? endpoint = null)
    {
        var (code, message) = CommandFailure.Describe(e, endpoint) ?? throw new InvalidOperationException($"{e.GetType().Name} is not in the table");
        return (code, message is null ? "" : $"switchboard: {message}");
    }
}
