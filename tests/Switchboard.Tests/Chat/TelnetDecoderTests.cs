using System.Buffers;
using System.Text;
using Switchboard.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

public sealed class TelnetDecoderTests
{
    private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240, Nop = 241, Ayt = 246;
    private const byte Binary = 0, Echo = 1, SuppressGoAhead = 3, TimingMark = 6, TerminalType = 24, WindowSize = 31;

    /// <summary>IAC DO TRANSMIT-BINARY: asked once the peer has shown it speaks telnet.</summary>
    private static readonly byte[] AskBinary = [Iac, Do, Binary];

    public static TheoryData<string, byte[], string, byte[]> Cases => new()
    {
        { "plain text passes", "hello"u8.ToArray(), "hello", [] },
        { "LF line ends ask nothing (nc)", "a\nb\n"u8.ToArray(), "a\nb\n", [] },
        { "a CR LF line end asks for binary, once", "alice\r\nhi\r\n"u8.ToArray(), "alice\r\nhi\r\n", AskBinary },
        { "a CR NUL line end asks for binary", "a\r\0"u8.ToArray(), "a\r\0", AskBinary },
        { "DO is refused with WONT", [.. "a"u8, Iac, Do, Echo, .. "b"u8], "ab", [.. AskBinary, Iac, Wont, Echo] },
        { "WILL is refused with DONT", [Iac, Will, SuppressGoAhead, .. "x"u8], "x", [.. AskBinary, Iac, Dont, SuppressGoAhead] },
        { "WONT and DONT need no answer", [Iac, Wont, Echo, Iac, Dont, Echo, .. "y"u8], "y", AskBinary },
        { "IAC IAC is one 0xFF byte, not a command", [.. "a"u8, Iac, Iac, .. "b"u8], "a\u00FFb", [] },
        { "subnegotiation is skipped whole", [.. "a"u8, Iac, Sb, WindowSize, 0, 80, 0, 24, Iac, Se, .. "b"u8], "ab", AskBinary },
        { "IAC IAC inside subnegotiation stays inside", [Iac, Sb, TerminalType, 0, Iac, Iac, .. "xterm"u8, Iac, Se, .. "z"u8], "z", AskBinary },
        { "other commands are consumed", [.. "a"u8, Iac, Nop, Iac, Ayt, .. "b"u8], "ab", AskBinary },
        { "several requests get several answers", [Iac, Do, Echo, Iac, Will, TerminalType], "", [.. AskBinary, Iac, Wont, Echo, Iac, Dont, TerminalType] },
        { "WILL BINARY answers the request: no reply", [Iac, Nop, Iac, Will, Binary, .. "\u00e9"u8], "\u00c3\u00a9", AskBinary },
        { "WILL BINARY unasked is the same exchange", [Iac, Will, Binary, Iac, Will, Binary], "", AskBinary },
        { "DO BINARY is accepted with WILL, once", [Iac, Do, Binary, Iac, Do, Binary], "", [.. AskBinary, Iac, Will, Binary] },
        { "DONT BINARY after DO is confirmed with WONT", [Iac, Do, Binary, Iac, Dont, Binary, Iac, Dont, Binary], "", [.. AskBinary, Iac, Will, Binary, Iac, Wont, Binary] },
        { "WONT BINARY refuses: never asked again", [Iac, Wont, Binary, .. "a\r\n"u8], "a\r\n", AskBinary },
        { "WILL then WONT BINARY is confirmed with DONT", [Iac, Will, Binary, Iac, Wont, Binary], "", [.. AskBinary, Iac, Dont, Binary] },
        { "TIMING-MARK answers (the idle probe's) get no reply", [Iac, Will, TimingMark, Iac, Wont, TimingMark], "", AskBinary },
        { "DO TIMING-MARK is refused", [Iac, Do, TimingMark], "", [.. AskBinary, Iac, Wont, TimingMark] },
    };

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Cases))]
    public void DecodesTheSameWhereverTheInputIsSplit(string name, byte[] input, string text, byte[] replies)
    {
        Assert.NotNull(name);
        // One buffer, and every split into two buffers, must give the same text and the same answers.
        for (var split = 0; split <= input.Length; split++)
        {
            var (data, answers) = Decode(input[..split], input[split..]);
            Assert.Equal(Encoding.Latin1.GetBytes(text), data);
            Assert.Equal(replies, answers);
        }

        // And byte by byte.
        var (allData, allAnswers) = Decode([.. input.Select(b => new[] { b })]);
        Assert.Equal(Encoding.Latin1.GetBytes(text), allData);
        Assert.Equal(replies, allAnswers);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void NeverAnswersWithoutARequest()
    {
        // nc: LF line ends and no telnet command, so the server sends it no telnet byte at all.
        var (data, answers) = Decode("nothing to negotiate\n"u8.ToArray(), "\u00e9\u2713\n"u8.ToArray());
        Assert.Empty(answers);
        Assert.Equal("nothing to negotiate\n\u00e9\u2713\n"u8.ToArray(), data);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void KnowsWhenThePeerTransmitsBinary()
    {
        var decoder = new TelnetDecoder();
        var data = new ArrayBufferWriter<byte>();
        var replies = new ArrayBufferWriter<byte>();
        decoder.Decode("nick\r\n"u8, data, replies);
        Assert.False(decoder.PeerSpeaksTelnet); // a CR LF alone may be nc -C: asked, but not yet proof
        Assert.False(decoder.PeerTransmitsBinary);
        decoder.Decode([Iac, Will, Binary], data, replies);
        Assert.True(decoder.PeerSpeaksTelnet);
        Assert.True(decoder.PeerTransmitsBinary);
        decoder.Decode([Iac, Wont, Binary], data, replies);
        Assert.False(decoder.PeerTransmitsBinary);
        Assert.Equal([.. AskBinary, Iac, Dont, Binary], replies.WrittenSpan.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ReportsACommandInProgressAcrossBuffers()
    {
        var decoder = new TelnetDecoder();
        var data = new ArrayBufferWriter<byte>();
        var replies = new ArrayBufferWriter<byte>();
        decoder.Decode([Iac, Sb, WindowSize, 0], data, replies);
        Assert.True(decoder.InCommand);
        decoder.Decode([80, Iac, Se], data, replies);
        Assert.False(decoder.InCommand);
        Assert.Equal(0, data.WrittenCount);
    }

    private static (byte[] Data, byte[] Replies) Decode(params byte[][] buffers)
    {
        var decoder = new TelnetDecoder();
        var data = new ArrayBufferWriter<byte>();
        var replies = new ArrayBufferWriter<byte>();
        foreach (var buffer in buffers)
        {
            decoder.Decode(buffer, data, replies);
        }

        return (data.WrittenSpan.ToArray(), replies.WrittenSpan.ToArray());
    }
}
