using System.Buffers;

namespace Switchboard.Chat;

/// <summary>
/// Strips RFC 854 telnet commands from a byte stream so that only text reaches the chat, and answers option
/// requests by refusing them: <c>DO x</c> gets <c>WONT x</c>, <c>WILL x</c> gets <c>DONT x</c>. It never starts a
/// negotiation, so a raw <c>nc</c> client sees no telnet bytes at all. <c>WONT</c>/<c>DONT</c> need no answer (every
/// option is already off here), which also means two refusing peers cannot loop. Subnegotiation (<c>SB … SE</c>) is
/// skipped without being buffered; <c>IAC IAC</c> is a literal 0xFF byte. The state survives buffer boundaries, so a
/// command split across two reads is still recognised. A pure parser: no I/O, not thread-safe.
/// </summary>
public sealed class TelnetDecoder
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

    private State _state;
    private byte _verb;

    private enum State
    {
        Data,
        Command,
        Option,
        Subnegotiation,
        SubnegotiationCommand,
    }

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
                data.Write(input[i..end]);
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

    /// <summary>Forgets any command in progress.</summary>
    public void Reset() => _state = State.Data;

    private void Step(byte b, IBufferWriter<byte> data, IBufferWriter<byte> replies)
    {
        switch (_state)
        {
            case State.Command:
                if (b == Iac)
                {
                    data.Write([Iac]); // IAC IAC: a literal 0xFF
                    _state = State.Data;
                }
                else if (b is Will or Wont or Do or Dont)
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
                if (_verb == Do)
                {
                    replies.Write([Iac, Wont, b]);
                }
                else if (_verb == Will)
                {
                    replies.Write([Iac, Dont, b]);
                }

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
}
