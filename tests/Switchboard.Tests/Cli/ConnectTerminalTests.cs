using System.Globalization;
using Switchboard.Cli.Commands;
using Switchboard.Endpoints;
using Switchboard.Hosting;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// <c>switchboard connect</c> on a real terminal (a tmux pane): the prompt-free line mode a person uses against the
/// chat and the timestamp server. Piped use is covered by the other connect tests; only a terminal shows this mode.
/// </summary>
public sealed class ConnectTerminalTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalEachTypedLineGoesToTheChatAndItsRepliesArePrinted()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        using var terminal = await TmuxTerminal.StartAsync(ConnectCommandLine(server.Endpoint));
        await terminal.WaitForAsync("*** Choose a nick");

        await terminal.TypeLineAsync("carol");
        await bob.ExpectAsync("*** carol joined lobby");
        await terminal.TypeLineAsync("hello from a terminal");
        Assert.Equal("<carol> hello from a terminal", await bob.ExpectAsync(l => l.StartsWith('<')));

        await bob.SendAsync("hi carol");
        await terminal.WaitForAsync("<bob> hi carol");

        // Ctrl-D is end of file: the client half-closes, the chat ends the session, connect exits 0.
        await terminal.KeysAsync("C-d");
        await bob.ExpectAsync(l => l.StartsWith("*** carol left lobby", StringComparison.Ordinal));
        var screen = await terminal.WaitForAsync("[exited 0]");
        Assert.DoesNotContain("Unhandled", screen, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalTheTimestampServerAnswersEachTypedLine()
    {
        using var dir = new TempDirectory();
        var service = ServiceCatalog.Create("timestamp", new ServiceOptions())!;
        await using var server = TestServer.Start(service.StreamHandler, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, dir));
        using var terminal = await TmuxTerminal.StartAsync(ConnectCommandLine(server.Listeners[0].Endpoint));

        await terminal.TypeLineAsync("first line");
        await terminal.WaitForAsync("]: first line");
        await terminal.TypeLineAsync("second line");
        var screen = await terminal.WaitForAsync("]: second line");
        Assert.Matches(@"\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\]: first line", screen);

        await terminal.KeysAsync("C-d");
        await terminal.WaitForAsync("[exited 0]");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalTheSessionEndsByItselfWhenTheServerCloses()
    {
        using var dir = new TempDirectory();
        await using var server = Switchboard.Tests.Client.ServiceServers.Start("daytime", "tcp", dir);
        using var terminal = await TmuxTerminal.StartAsync(ConnectCommandLine(server.Listeners[0].Endpoint));

        // Daytime sends the date and closes: nothing is typed, yet the session must end with the server.
        var screen = await terminal.WaitForAsync("[exited 0]");
        Assert.Matches(@"\d\d:\d\d:\d\d", screen);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalOneCtrlCQuitsWhileNothingIsTyped()
    {
        await using var server = ChatTestServer.Start();
        using var terminal = await TmuxTerminal.StartAsync(ConnectCommandLine(server.Endpoint));
        await terminal.WaitForAsync("*** Choose a nick");

        await terminal.KeysAsync("C-c");

        var screen = await terminal.WaitForAsync("[exited 0]");
        Assert.DoesNotContain("Unhandled", screen, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalTheChatsFarewellIsPrintedAndTheSessionEnds()
    {
        await using var server = ChatTestServer.Start();
        using var terminal = await TmuxTerminal.StartAsync(ConnectCommandLine(server.Endpoint));
        await terminal.WaitForAsync("*** Choose a nick");
        await terminal.TypeLineAsync("dave");
        await terminal.WaitForAsync("Hello dave.");

        await terminal.TypeLineAsync("/quit");

        var screen = await terminal.WaitForAsync("[exited 0]");
        Assert.Contains("*** Bye.", screen, StringComparison.Ordinal);
    }

    private static string ConnectCommandLine(EndpointUri endpoint) =>
        string.Create(CultureInfo.InvariantCulture, $"dotnet '{CliProcess.ToolPath}' connect {endpoint}; echo \"[exited $?]\"");
}
