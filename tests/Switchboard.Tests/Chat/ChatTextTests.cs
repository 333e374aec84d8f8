using System.Buffers;
using System.Text;
using Switchboard.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

public sealed class ChatTextTests
{
    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "plain ASCII", "hello, world"u8.ToArray(), "hello, world" },
        { "tab stays", "a\tb"u8.ToArray(), "a\tb" },
        { "valid UTF-8 passes intact", "café ünïcödé 日本語 😀"u8.ToArray(), "café ünïcödé 日本語 😀" },
        { "a lone continuation byte becomes U+FFFD", [.. "a"u8, 0x80, .. "b"u8], "a\uFFFDb" },
        { "a truncated sequence becomes U+FFFD", [.. "a"u8, 0xE6, 0x97, .. "b"u8], "a\uFFFDb" },
        { "an overlong encoding becomes U+FFFD", [.. "a"u8, 0xC0, 0xAF, .. "b"u8], "a\uFFFD\uFFFDb" },
        { "0xFE is never UTF-8", [.. "a"u8, 0xFE, .. "b"u8], "a\uFFFDb" },
        { "colour CSI is removed whole", "\u001b[31mred\u001b[0m text"u8.ToArray(), "red text" },
        { "cursor movement is removed", "a\u001b[2J\u001b[H\u001b[10;20Hb"u8.ToArray(), "ab" },
        { "private-mode CSI is removed", "a\u001b[?25lb"u8.ToArray(), "ab" },
        { "OSC window title up to BEL", "a\u001b]0;pwned\u0007b"u8.ToArray(), "ab" },
        { "OSC hyperlink up to ESC backslash", "a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b"u8.ToArray(), "alinkb" },
        { "DCS string is removed", "a\u001bPq#0;2;0;0;0\u001b\\b"u8.ToArray(), "ab" },
        { "two-byte ESC sequence", "a\u001bcb"u8.ToArray(), "ab" },
        { "charset selection ESC ( B", "a\u001b(Bb"u8.ToArray(), "ab" },
        { "C1 CSI in UTF-8", [.. "a"u8, 0xC2, 0x9B, .. "31mb"u8], "ab" },
        { "other C1 controls", [.. "a"u8, 0xC2, 0x85, 0xC2, 0x8D, .. "b"u8], "ab" },
        { "C0 controls, bell, backspace, DEL", "a\u0007\u0008\u0000\u007f\u000bb"u8.ToArray(), "ab" },
        { "a lone ESC at the end", "ab\u001b"u8.ToArray(), "ab" },
    };

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ALineFromPartsIsTheirUtf8InOrderWithCrLf()
    {
        var message = ChatMessage.Line("<", "zoë", "> ", "日本語 ok");
        Assert.Equal([.. "<zoë> 日本語 ok"u8, (byte)'\r', (byte)'\n'], message.Bytes.ToArray());
        Assert.Equal(ChatMessage.Line("<zoë> 日本語 ok").Bytes.ToArray(), message.Bytes.ToArray());
        Assert.Equal("\r\n"u8.ToArray(), ChatMessage.Line(ReadOnlySpan<string>.Empty).Bytes.ToArray());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Cases))]
    public void SanitizesALine(string name, byte[] line, string expected)
    {
        Assert.NotNull(name);
        Assert.Equal(expected, ChatText.Sanitize(line));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Cases))]
    public void TheWholeInputPathGivesTheSameTextWhereverTheStreamIsSplit(string name, byte[] line, string expected)
    {
        Assert.NotNull(name);
        // Through telnet decoding and line splitting, as the server reads it; 0xFF would be telnet's IAC, so escape it.
        var escaped = line.SelectMany(b => b == 0xFF ? new byte[] { 0xFF, 0xFF } : [b]).ToArray();
        byte[] stream = [0xFF, 0xFB, 0x18, .. escaped, (byte)'\r', (byte)'\n'];
        for (var split = 0; split <= stream.Length; split++)
        {
            var decoder = new TelnetDecoder();
            var splitter = new LineSplitter(4096);
            var lines = new List<SplitLine>();
            foreach (var part in new[] { stream[..split], stream[split..] })
            {
                var data = new ArrayBufferWriter<byte>();
                decoder.Decode(part, data, new ArrayBufferWriter<byte>());
                splitter.Split(data.WrittenSpan, lines);
            }

            Assert.Equal(expected, ChatText.Sanitize(Assert.Single(lines).Bytes.Span));
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("a", true)]
    [InlineData("Alice_99", true)]
    [InlineData("[x]{y}|z^-_", true)]
    [InlineData("sixteen_chars_ok", true)]
    [InlineData("seventeen_chars_x", false)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("*star", false)]
    [InlineData("café", false)]
    [InlineData("еvan", false)] // Cyrillic е: ASCII only, no confusables
    public void NickRules(string nick, bool valid) => Assert.Equal(valid, ChatNames.IsValidNick(nick));

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("lobby", "lobby")]
    [InlineData("#Games", "games")]
    [InlineData("dev-ops_2", "dev-ops_2")]
    [InlineData("", null)]
    [InlineData("#", null)]
    [InlineData("two words", null)]
    public void RoomRules(string room, string? normalized) => Assert.Equal(normalized, ChatNames.NormalizeRoom(room));
}
