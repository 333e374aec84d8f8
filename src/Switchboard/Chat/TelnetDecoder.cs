using System.Buffers;

namespace Switchboard.Chat;

/// <summary>
/// Strips RFC 854 telnet commands from a byte stream so that only text reaches the chat, and answers option
/// requests. The one option it takes part in is TRANSMIT-BINARY (RFC 856), both ways: outside binary mode netkit
/// telnet sends some UTF-8 continuation bytes as commands (0x83 as <c>IAC IP</c>, 0x9C as <c>IAC BRK</c>) and takes
/// 0x9D for its escape key. Every other option is refused: <c>DO x</c> gets <c>WONT x</c>, <c>WILL x</c> gets
/// <c>DONT x</c>; <c>WONT</c>/<c>DONT</c> of an option that is off need no answer, so two refusing peers cannot loop.
/// <para>
/// It asks for binary (<c>IAC DO BINARY</c>, once) only when the peer has shown it is a telnet client: it sent a
/// telnet command, or ended a line with CR (the NVT line end; Debian's telnet starts no negotiation on a port other
/// than 23, but sends CR LF). A raw client that ends lines with LF, as <c>nc</c> does, never gets a telnet byte.
/// It never offers <c>WILL BINARY</c> itself: netkit telnet then turns off output processing and its local echo
/// stair-steps; a client that asks (<c>DO BINARY</c>) gets it. <c>WILL</c>/<c>WONT TIMING-MARK</c> answer the idle
/// probe (RFC 860) and get no reply.
/// </para>
/// Subnegotiation (<c>SB … SE</c>) is skipped without being buffered; <c>IAC IAC</c> is a literal 0xFF byte. The state
/// survives buffer boundaries, so a command split across two reads is still recognised. A pure parser: no I/O, not
/// thread-safe (except <see cref="PeerSpeaksTelnet"/>, which any thread may read).
/// </summary>
internal sealed class TelnetDecoder
{
    /// <summary>Interpret As Command: the byte that starts every telnet command.</summary>
    public const byte Iac = 255;

    /// <summary>Asks the peer not to use an option (or confirms it will not).</summary>
    public const byte Dont = 254;

    /// <summary>Asks the peer to use an option.</summary>
    public const byte Do = 253;

    /// <summary>Refuses to use an option (or confirms it is off).</summary>
    public const byte Wont = 252;

    /// <summary>Offers to use an option.</summary>
    public const byte Will = 251;

    /// <summary>Starts a subnegotiation.</summary>
    public const byte SubnegotiationBegin = 250;

    /// <summary>Ends a subnegotiation.</summary>
    public const byte SubnegotiationEnd = 240;

    /// <summary>The TRANSMIT-BINARY option (RFC 856).</summary>
    public const byte Binary = 0;

    /// <summary>The TIMING-MARK option (RFC 860): <c>DO TIMING-MARK</c> asks a telnet client to answer.</summary>
    public const byte TimingMark = 6;

    private State _state;
    private byte _verb;
    private bool _askedBinary;
    private bool _peerBinary;
    private bool _ourBinary;
    private volatile bool _peerSpeaksTelnet;

    private enum State
    {
        Data,
        Command,
        Option,
        Subnegotiation,
        SubnegotiationCommand,
    }

    /// <summary>True once the peer transmits binary (RFC 856): its bytes are 8-bit data, never taken for commands.</summary>
    public bool PeerTransmitsBinary => _peerBinary;

    /// <summary>
    /// True once the peer has sent a telnet command, so it answers requests such as <c>DO TIMING-MARK</c>. A CR line
    /// end alone is not proof (it may be <c>nc -C</c>).
    /// </summary>
    public bool PeerSpeaksTelnet => _peerSpeaksTelnet;

    /// <summary>True while a command or subnegotiation has started but not ended (more bytes are needed).</summary>
    public bool InCommand => _state != State.Data;

    /// <summary>
    /// Decodes <paramref name="input"/>: text bytes go to <paramref name="data"/>, the answers to option requests
    /// to <paramref name="replies"/> (to be sent to the peer as they are).
    /// </summary>
    public void Decode(ReadOnlySpan<byte> input, IBufferWriter<byte> data, IBufferWriter<byte> replies)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(replies);
        var i = 0;
        while (i < input.Length)
        {
            if (_state == State.Data)
            {
                var run = input[i..].IndexOf(Iac);
                var end = run < 0 ? input.Length : i + run;
                var text = input[i..end];
                data.Write(text);
                if (!_askedBinary && text.Contains((byte)'\r'))
                {
                    AskBinary(replies); // the NVT line end: a telnet client that started no negotiation
                }

                if (run < 0)
                {
                    return;
                }

                _state = State.Command;
                i = end + 1;
                continue;
            }

            Step(input[i], data, replies);
            i++;
        }
    }

    /// <summary>Forgets any command in progress and every option agreed.</summary>
    public void Reset()
    {
        _state = State.Data;
        _askedBinary = _peerBinary = _ourBinary = false;
        _peerSpeaksTelnet = false;
    }

    private void Step(byte b, IBufferWriter<byte> data, IBufferWriter<byte> replies)
    {
        switch (_state)
        {
            case State.Command:
                if (b == Iac)
                {
                    data.Write([Iac]); // IAC IAC: a literal 0xFF
                    _state = State.Data;
                    break;
                }

                _peerSpeaksTelnet = true;
                if (!_askedBinary)
                {
                    AskBinary(replies);
                }

                if (b is Will or Wont or Do or Dont)
                {
                    _verb = b;
                    _state = State.Option;
                }
                else
                {
                    // SB starts a subnegotiation; NOP, GA, AYT, IP, BRK and the rest are consumed and ignored.
                    _state = b == SubnegotiationBegin ? State.Subnegotiation : State.Data;
                }

                break;
            case State.Option:
                Answer(_verb, b, replies);
                _state = State.Data;
                break;
            case State.Subnegotiation:
                if (b == Iac)
                {
                    _state = State.SubnegotiationCommand;
                }

                break;
            case State.SubnegotiationCommand:
                // IAC SE ends it; IAC IAC is an escaped 0xFF inside it; anything else is tolerated and skipped.
                _state = b == SubnegotiationEnd ? State.Data : State.Subnegotiation;
                break;
            default:
                _state = State.Data;
                break;
        }
    }

    private void AskBinary(IBufferWriter<byte> replies)
    {
        _askedBinary = true;
        if (!_peerBinary)
        {
            replies.Write([Iac, Do, Binary]);
        }
    }

    /// <summary>
    /// RFC 1143's rule, which keeps two peers from looping: answer only a request that changes an option's state.
    /// <c>_askedBinary</c> stays true after the answer, so a refused request is never repeated.
    /// </summary>
    private void Answer(byte verb, byte option, IBufferWriter<byte> replies)
    {
        if (option == Binary)
        {
            switch (verb)
            {
                case Will when !_peerBinary:
                    // The answer to our DO, or an offer: either way it is on. Our DO has gone out already.
                    _peerBinary = true;
                    break;
                case Wont when _peerBinary:
                    _peerBinary = false;
                    replies.Write([Iac, Dont, Binary]);
                    break;
                case Do when !_ourBinary:
                    _ourBinary = true;
                    replies.Write([Iac, Will, Binary]);
                    break;
                case Dont when _ourBinary:
                    _ourBinary = false;
                    replies.Write([Iac, Wont, Binary]);
                    break;
            }

            return;
        }

        if (option == TimingMark && verb is Will or Wont)
        {
            return; // the answer to our probe (DO TIMING-MARK); RFC 860 expects nothing back
        }

        if (verb == Do)
        {
            replies.Write([Iac, Wont, option]);
        }
        else if (verb == Will)
        {
            replies.Write([Iac, Dont, option]);
        }
    }
}
