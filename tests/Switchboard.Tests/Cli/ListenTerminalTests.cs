using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Switchboard.Endpoints;
using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// <c>switchboard listen</c> (one client) on a real terminal (a tmux pane): the session ends with its peer and at one
/// Ctrl-C, as on a pipe, although nobody presses Enter.
/// </summary>
public sealed partial class ListenTerminalTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalListenPrintsThePeersLastLinesAndEndsWhenThePeerCloses()
    {
        using var terminal = await TmuxTerminal.StartAsync(ListenCommandLine());
        using var client = await TestClient.ConnectAsync(await ListeningEndpointAsync(terminal));

        await client.SendAllAsync("farewell from the peer\n"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        var screen = await terminal.WaitForAsync("[exited 0]");
        Assert.Contains("farewell from the peer", screen, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OnATerminalListenQuitsAtOneCtrlCWithAPeerConnected()
    {
        using var terminal = await TmuxTerminal.StartAsync(ListenCommandLine());
        using var client = await TestClient.ConnectAsync(await ListeningEndpointAsync(terminal));
        await client.SendAllAsync("hello\n"u8.ToArray());
        await terminal.WaitForAsync("hello");

        await terminal.KeysAsync("C-c");

        var screen = await terminal.WaitForAsync("[exited 0]");
        Assert.DoesNotContain("Unhandled", screen, StringComparison.Ordinal);
    }

    private static async Task<EndpointUri> ListeningEndpointAsync(TmuxTerminal terminal)
    {
        var screen = await terminal.WaitForAsync("listening on ");
        return EndpointUri.Parse(ListeningLine().Match(screen).Groups[1].Value);
    }

    private static string ListenCommandLine() =>
        string.Create(CultureInfo.InvariantCulture, $"dotnet '{CliProcess.ToolPath}' listen tcp://127.0.0.1:0; echo \"[exited $?]\"");

    [GeneratedRegex(@"listening on (tcp://\S+)")]
    private static partial Regex ListeningLine();
}
