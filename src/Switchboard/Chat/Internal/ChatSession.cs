using System.Globalization;
using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>
/// One connection from greeting to goodbye: nick choice, then lines and commands. Reads lines one at a time and
/// waits on the line rate between them, so a flooder's socket is simply not read. Everything it says to its own
/// member goes through the member's queue like any other message. Its deadlines: a nick within
/// <see cref="ChatOptions.NickTimeout"/>, every line within the line timeout, and the server's idle timeout taken
/// over (<see cref="OnIdle"/>), because silence is normal for a member.
/// </summary>
internal sealed partial class ChatSession : IDisposable
{
    private const int NamesPerLine = 50;

    /// <summary>A read that came at once with this many lines is followed by a yield, so that writers run between reads.</summary>
    private const int YieldAfterLines = 64;

    /// <summary>Unanswered keepalive probes before the kernel ends a silent raw member's connection.</summary>
    private const int KeepAliveProbes = 5;

    private readonly Connection _connection;
    private readonly IChatHub _hub;
    private readonly ChatOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly ChatMember _member;
    private readonly ChatLineReader _reader;
    private readonly TimeSpan _nickTimeout;
    private readonly TimeSpan _lineTimeout;
    private volatile string? _nick;
    private volatile bool _done;
    private string _leaveReason = "disconnected";
    private bool _probeSent;
    private long _receivedAtProbe;
    private bool _keepAliveOn;

    public ChatSession(Connection connection, IChatHub hub, ChatOptions options, ChatMetrics metrics, TimeSpan lineTimeout)
    {
        _connection = connection;
        _hub = hub;
        _options = options;
        _metrics = metrics;
        _member = new ChatMember(connection, options, metrics);
        _reader = new ChatLineReader(options.MaxLineBytes);
        _nickTimeout = options.NickTimeout;
        _lineTimeout = lineTimeout;
    }

    public async ValueTask RunAsync(CancellationToken aborted)
    {
        var member = _member;
        member.Start();
        using var stopping = _connection.ServerStopping.UnsafeRegister(
            static state => ((ChatMember)state!).Close(ChatFormat.ServerStopping, "server going down"), member);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(aborted, member.Closing);
        using var gate = new LineRateGate(_options.MaxLineRate, _options.LineBurst);
        _connection.HandleIdleTimeout(OnIdle);
        _connection.HandleMessageTimeout(OnDeadline);
        try
        {
            if (_hub.MemberCount >= _options.MaxMembers)
            {
                member.Close(ChatFormat.Full(_options.MaxMembers));
                return;
            }

            member.Deliver(ChatFormat.Greeting(_options.ServerName, _hub.MemberCount));
            member.Deliver(ChatFormat.NickPrompt);
            StartNickDeadline(); // the nick is a message under way until chosen, like a line
            await ReadLinesAsync(gate, reading.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionException)
        {
            if (_connection.Reason == CloseReason.Idle)
            {
                _leaveReason = "idle";
            }
            else if (e is ConnectionException and not ConnectionAbortedException)
            {
                _leaveReason = "connection lost"; // reset or timed out; an abort by the server gave its own reason
            }
        }
        finally
        {
            _done = true;
            if (_nick is not null)
            {
                await _hub.UnregisterAsync(member, member.LeaveReason ?? _leaveReason);
                _metrics.MemberLeft();
            }

            await member.FinishAsync();
        }
    }

    private async ValueTask ReadLinesAsync(LineRateGate gate, CancellationToken cancellationToken)
    {
        var input = _connection.Input;
        var reader = _reader;
        var lines = new List<SplitLine>();
        while (true)
        {
            var reading = input.ReadAsync(cancellationToken);
            var waited = !reading.IsCompleted;
            var result = await reading;
            var replies = reader.Read(result.Buffer, lines);
            input.AdvanceTo(result.Buffer.End);
            if (lines.Count > 0 || !reader.InLine)
            {
                StopLineDeadline();
            }

            if (!replies.IsEmpty)
            {
                _member.Deliver(new ChatMessage(replies));
            }

            if (result.IsCompleted)
            {
                reader.Finish(lines);
            }

            foreach (var line in lines)
            {
                await gate.WaitAsync(cancellationToken);
                if (!await HandleAsync(line, cancellationToken))
                {
                    return;
                }
            }

            var fannedOut = lines.Count;
            lines.Clear();
            if (result.IsCompleted)
            {
                _member.Close(null);
                return;
            }

            if (!waited && fannedOut >= YieldAfterLines)
            {
                // More was there at once: without a pause a paste is fanned out read after read before any member's
                // writer on this loop runs, and their queues hold the whole paste.
                await Task.Yield();
            }

            // Armed only now, after the rate gate: time the server spent not reading is not held against the line.
            if (reader.InLine)
            {
                StartLineDeadline();
            }
        }
    }

    /// <summary>Acts on one line; false when the session is over.</summary>
    private async ValueTask<bool> HandleAsync(SplitLine line, CancellationToken cancellationToken)
    {
        if (line.TooLong)
        {
            Tell(ChatFormat.LineTooLong(_options.MaxLineBytes));
            return true;
        }

        var text = ChatText.Sanitize(line.Bytes.Span);
        if (_nick is null)
        {
            return await ChooseNickAsync(text.Trim(), cancellationToken);
        }

        if (text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
        {
            return await CommandAsync(text, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        _hub.SendToRoom(_member, ChatFormat.Said(_nick, text.StartsWith('/') ? text[1..] : text));
        _metrics.MessageSent();
        return true;
    }

    private async ValueTask<bool> ChooseNickAsync(string nick, CancellationToken cancellationToken)
    {
        if (nick.Length == 0)
        {
            Tell(ChatFormat.NickPrompt);
            return true;
        }

        if (!ChatNames.IsValidNick(nick))
        {
            Tell(ChatFormat.NickInvalid);
            return true;
        }

        switch (await _hub.RegisterAsync(_member, nick, cancellationToken))
        {
            case ChatRegistration.Done:
                _nick = nick;
                StopNickDeadline();
                _metrics.MemberJoined();
                var room = _hub.RoomOf(_member) ?? _options.DefaultRoom;
                Tell(ChatFormat.Welcome(nick, room, Math.Max(0, await _hub.CountInAsync(room, cancellationToken) - 1)));
                return true;
            case ChatRegistration.NickTaken:
                Tell(ChatFormat.NickTaken(nick));
                return true;
            default:
                _member.Close(ChatFormat.Full(_options.MaxMembers));
                return false;
        }
    }

    private async ValueTask<bool> CommandAsync(string text, CancellationToken cancellationToken)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var rest = space < 0 ? "" : text[(space + 1)..].Trim();
        switch (verb)
        {
            case "/who":
                await WhoAsync(cancellationToken);
                break;
            case "/msg":
                await PrivateMessageAsync(rest, cancellationToken);
                break;
            case "/nick":
                await ChangeNickAsync(rest, cancellationToken);
                break;
            case "/me":
                if (rest.Length == 0)
                {
                    Tell(ChatFormat.Notice("Usage: /me action"));
                    break;
                }

                _hub.SendToRoom(_member, ChatFormat.Action(_nick!, rest));
                _metrics.MessageSent();
                break;
            case "/join":
                await JoinRoomAsync(rest, cancellationToken);
                break;
            case "/rooms":
                var rooms = (await _hub.RoomsAsync(cancellationToken)).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name} ({r.MemberCount})"));
                Tell(ChatFormat.Notice("Rooms: " + string.Join(", ", rooms)));
                break;
            case "/quit":
                _leaveReason = rest.Length == 0 ? "quit" : "quit: " + rest;
                _member.Close(ChatFormat.Bye);
                return false;
            case "/help":
                foreach (var line in ChatFormat.Help)
                {
                    Tell(ChatFormat.Notice(line));
                }

                break;
            default:
                Tell(ChatFormat.Notice($"Unknown command {verb}. Try /help."));
                break;
        }

        return true;
    }

    private async ValueTask WhoAsync(CancellationToken cancellationToken)
    {
        var room = _hub.RoomOf(_member) ?? _options.DefaultRoom;
        var nicks = await _hub.MembersOfAsync(room, cancellationToken);
        Tell(ChatFormat.Notice(string.Create(CultureInfo.InvariantCulture, $"{nicks.Count} in {room}:")));
        for (var i = 0; i < nicks.Count; i += NamesPerLine)
        {
            Tell(ChatFormat.Notice("  " + string.Join(", ", nicks.Skip(i).Take(NamesPerLine))));
        }
    }

    private async ValueTask PrivateMessageAsync(string rest, CancellationToken cancellationToken)
    {
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || rest[(space + 1)..].Trim().Length == 0)
        {
            Tell(ChatFormat.Notice("Usage: /msg NICK text"));
            return;
        }

        var target = rest[..space];
        var text = rest[(space + 1)..].Trim();
        if (ChatNames.IsValidNick(target) && await _hub.SendToAsync(target, ChatFormat.PrivateFrom(_nick!, text), cancellationToken))
        {
            _metrics.MessageSent();
            Tell(ChatFormat.PrivateTo(target, text));
        }
        else
        {
            Tell(ChatFormat.Notice($"No such nick: {target}"));
        }
    }

    private async ValueTask ChangeNickAsync(string nick, CancellationToken cancellationToken)
    {
        if (!ChatNames.IsValidNick(nick))
        {
            Tell(ChatFormat.Notice($"Invalid nick: use {ChatNames.NickRule}."));
            return;
        }

        if (await _hub.RenameAsync(_member, nick, cancellationToken) == ChatRegistration.Done)
        {
            _nick = nick;
            Tell(ChatFormat.Notice($"You are now {nick}."));
        }
        else
        {
            Tell(ChatFormat.Notice($"Nick {nick} is taken."));
        }
    }

    private async ValueTask JoinRoomAsync(string rest, CancellationToken cancellationToken)
    {
        var room = ChatNames.NormalizeRoom(rest);
        if (room is null)
        {
            Tell(ChatFormat.Notice($"Usage: /join ROOM ({ChatNames.RoomRule})"));
        }
        else if (!await _hub.JoinAsync(_member, room, cancellationToken))
        {
            Tell(ChatFormat.Notice($"You are already in {room}."));
        }
        else
        {
            var others = Math.Max(0, await _hub.CountInAsync(room, cancellationToken) - 1);
            Tell(ChatFormat.Notice(string.Create(CultureInfo.InvariantCulture, $"You are now in {room} with {others} other{(others == 1 ? "" : "s")}.")));
        }
    }

    public void Dispose() => _member.Dispose();

    private void Tell(ChatMessage message) => _member.Deliver(message);
}
