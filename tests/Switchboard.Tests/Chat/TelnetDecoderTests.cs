using System.Buffers;
using System.Text;
using Switchboard.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

public sealed class TelnetDecoderTests
{
    private const byte Iac = 255, Dont = 254, Do = 253, Wont = 252, Will = 251, Sb = 250, Se = 240, Nop = 241, Ayt = 246;
    private const byte Echo = 1, SuppressGoAhead = 3, TerminalType = 24, WindowSize = 31;

    public static TheoryData<string, byte[], string, byte[]> Cases => new()
    {
        { "plain text passes", "hello"u8.ToArray(), "hello", [] },
        { "DO is refused with WONT", [.. "a"u8, Iac, Do, Echo, .. "b"u8], "ab", [Iac, Wont, Echo] },
        { "WILL is refused with DONT", [Iac, Will, SuppressGoAhead, .. "x"u8], "x", [Iac, Dont, SuppressGoAhead] },
        { "WONT and DONT need no answer", [Iac, Wont, Echo, Iac, Dont, Echo, .. "y"u8], "y", [] },
        { "IAC IAC is one 0xFF byte", [.. "a"u8, Iac, Iac, .. "b"u8], "a\u00FFb", [] },
        { "subnegotiation is skipped whole", [.. "a"u8, Iac, Sb, WindowSize, 0, 80, 0, 24, Iac, Se, .. "b"u8], "ab", [] },
        { "IAC IAC inside subnegotiation stays inside", [Iac, Sb, TerminalType, 0, Iac, Iac, .. "xterm"u8, Iac, Se, .. "z"u8], "z", [] },
        { "other commands are consumed", [.. "a"u8, Iac, Nop, Iac, Ayt, .. "b"u8], "ab", [] },
        { "several requests get several answers", [Iac, Do, Echo, Iac, Will, TerminalType], "", [Iac, Wont, Echo, Iac, Dont, TerminalType] },
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
        var (data, answers) = Decode("nothing to negotiate\r\n"u8.ToArray());
        Assert.Empty(answers);
        Assert.Equal("nothing to negotiate\r\n"u8.ToArray(), data);
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
