using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>Telnet's binary mode (RFC 856): UTF-8 typed in Debian's telnet arrives intact; nc never sees a telnet byte.</summary>
public sealed class ChatTelnetTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task UnicodeTypedInDebianTelnetReachesTheRoomIntact()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        var port = server.Endpoint.Port.ToString(CultureInfo.InvariantCulture);
        using var telnet = await TmuxTerminal.StartAsync($"telnet 127.0.0.1 {port}");
        await telnet.WaitForAsync("*** Choose a nick");
        await telnet.TypeLineAsync("alice");
        await bob.ExpectAsync("*** alice joined lobby");
        await telnet.WaitForAsync("*** Hello alice.");

        // Outside binary mode netkit telnet sends 0x83 (in "у") as IAC IP, 0x8F (in "я") as IAC AO, 0x9C (in ✓)
        // as IAC BRK, and takes 0x9D (in "Э") for its escape character.
        foreach (var text in new[] { "Русский язык", "漢字", "✓", "Это всё: ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ" })
        {
            await telnet.TypeLineAsync(text);
            Assert.Equal("<alice> " + text, await bob.ExpectAsync(l => l.StartsWith('<')));
        }

        await bob.SendAsync("ответ ✓ 漢字");
        await telnet.WaitForAsync("<bob> ответ ✓ 漢字");
        await telnet.TypeLineAsync("/quit");
        await telnet.WaitForAsync("[exited]");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ARawClientThatSendsLineFeedsGetsNoTelnetByte()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        using var raw = await TestClient.ConnectAsync(server.Endpoint);
        await raw.SendAllAsync("carol\nhello\n\u00e9\u2713 \u6f22\u5b57\n/who\n"u8.ToArray());
        Assert.Equal("<carol> hello", await bob.ExpectAsync(l => l.StartsWith('<')));
        Assert.Equal("<carol> \u00e9\u2713 \u6f22\u5b57", await bob.ExpectAsync(l => l.StartsWith('<')));
        await bob.SendAsync("hi carol");
        await raw.SendAllAsync("/quit\n"u8.ToArray());
        var received = await raw.ReadToEndAsync();
        var text = Encoding.UTF8.GetString(received);
        Assert.Contains("<bob> hi carol\r\n", text, StringComparison.Ordinal);
        Assert.Contains("*** Bye.\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain((byte)255, received); // no IAC: the server never negotiated with it
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ATelnetClientIsAskedForBinaryOnceAndItsBytesArriveIntact()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        using var raw = await TestClient.ConnectAsync(server.Endpoint);
        await raw.SendAllAsync("alice\r\n"u8.ToArray()); // the NVT line end: a telnet client
        var received = await ReadUntilAsync(raw, "*** Hello alice."u8.ToArray());
        Assert.Equal(1, received.Count(b => b == 255)); // one request, nothing else
        Assert.True(received.AsSpan().IndexOf(new byte[] { 255, 253, 0 }) >= 0, "no IAC DO BINARY");
        await raw.SendAllAsync((byte[])[255, 251, 0, .. "\u0443\u044f\u2713\r\n"u8.ToArray()]); // IAC WILL BINARY, then 0x83 0x8F 0x9C
        Assert.Equal("<alice> \u0443\u044f\u2713", await bob.ExpectAsync(l => l.StartsWith('<')));
        await raw.SendAllAsync("/quit\r\n"u8.ToArray());
        var rest = await raw.ReadToEndAsync();
        Assert.DoesNotContain((byte)255, rest); // WILL BINARY answered our DO: nothing more to say
    }

    private static async Task<byte[]> ReadUntilAsync(Socket socket, byte[] marker)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var all = new List<byte>();
        var buffer = new byte[4096];
        while (all.ToArray().AsSpan().IndexOf(marker) < 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            all.AddRange(buffer.AsSpan(0, n));
        }

        return [.. all];
    }
}
