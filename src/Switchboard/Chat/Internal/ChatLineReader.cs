using System.Buffers;

namespace Switchboard.Chat.Internal;

/// <summary>
/// A connection's input side: <see cref="TelnetDecoder"/> then <see cref="LineSplitter"/>, over whatever segments
/// the pipe holds. Returns the telnet answers to send back.
/// </summary>
internal sealed class ChatLineReader(int maxLineBytes)
{
    private readonly TelnetDecoder _telnet = new();
    private readonly LineSplitter _splitter = new(maxLineBytes);
    private readonly ArrayBufferWriter<byte> _data = new(4096);
    private readonly ArrayBufferWriter<byte> _replies = new(16);

    /// <summary>True while a line (or a telnet command inside it) has started and not ended.</summary>
    public bool InLine => _splitter.InLine || _telnet.InCommand;

    /// <summary>True once the peer has sent a telnet command; safe to read from any thread.</summary>
    public bool PeerSpeaksTelnet => _telnet.PeerSpeaksTelnet;

    /// <summary>Decodes all of <paramref name="input"/>, adding complete lines to <paramref name="lines"/>.</summary>
    /// <returns>Telnet answers to send to the peer, or empty.</returns>
    public ReadOnlyMemory<byte> Read(in ReadOnlySequence<byte> input, List<SplitLine> lines)
    {
        foreach (var segment in input)
        {
            _data.ResetWrittenCount();
            _telnet.Decode(segment.Span, _data, _replies);
            _splitter.Split(_data.WrittenSpan, lines);
        }

        if (_replies.WrittenCount == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var replies = _replies.WrittenMemory.ToArray();
        _replies.ResetWrittenCount();
        return replies;
    }

    /// <summary>At end of stream: a last line without its terminator still counts.</summary>
    public void Finish(List<SplitLine> lines)
    {
        if (_splitter.PendingBytes > 0)
        {
            _splitter.Split("\n"u8, lines);
        }
    }
}
