using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>
/// The session's timeouts: what the idle timeout means for a member, and its two deadlines (the nick, each line)
/// kept as the connection's one message deadline, which the server's heartbeat watches.
/// </summary>
internal sealed partial class ChatSession
{
    /// <summary>
    /// The server's idle timeout, taken over: for the chat, silence means the connection may be dead, not that the
    /// member must go. Before a nick, nothing was said: told and closed. A telnet client is probed with IAC DO
    /// TIMING-MARK and told and closed if nothing has come back by the next idle timeout. A raw client cannot be
    /// probed in the stream without showing it bytes, so the kernel probes it (TCP keepalive) and ends the
    /// connection if its host is gone. Runs on the server's heartbeat timer.
    /// </summary>
    private void OnIdle(TimeSpan idleTimeout)
    {
        if (_done)
        {
            return;
        }

        if (_nick is null)
        {
            CloseForIdle(ChatFormat.SilentBeforeNick(idleTimeout));
        }
        else if (_reader.PeerSpeaksTelnet)
        {
            var received = _connection.BytesReceived;
            if (_probeSent && received == _receivedAtProbe)
            {
                CloseForIdle(ChatFormat.ProbeUnanswered(idleTimeout));
                return;
            }

            _probeSent = true;
            _receivedAtProbe = received;
            _member.Deliver(ChatFormat.TimingMarkProbe);
        }
        else if (!_keepAliveOn)
        {
            // First probe after another idle timeout of silence, then a few seconds apart: a peer whose host is
            // gone is found about two idle timeouts after its last byte, like an unanswered telnet probe.
            _keepAliveOn = true;
            var interval = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, idleTimeout.Ticks / KeepAliveProbes));
            _connection.EnableKeepAlive(idleTimeout, interval, KeepAliveProbes);
        }
    }

    // The nick's and the line's deadlines (Environment.TickCount64 ms; long.MaxValue: none), written by the session
    // and read by the heartbeat. The connection holds the earlier of them as its message deadline.
    private long _nickDue = long.MaxValue;
    private long _lineDue = long.MaxValue;

    /// <summary>
    /// The nick timeout begins: the connection's message (<see cref="Connection.BeginMessage"/>) is open from now
    /// until a nick is chosen, so a full server may evict a connection that never chose one, and the server's
    /// heartbeat watches the deadline (<see cref="OnDeadline"/>); the chat keeps no timer of its own.
    /// </summary>
    private void StartNickDeadline()
    {
        Volatile.Write(ref _nickDue, Due(_nickTimeout));
        _connection.BeginMessage(Until(_nickDue));
    }

    private void StopNickDeadline()
    {
        Volatile.Write(ref _nickDue, long.MaxValue);
        _connection.EndMessage(); // a line already under way opens its own message again after this read
    }

    /// <summary>A line is under way: its deadline starts with its first byte and keeps it until the line ends.</summary>
    private void StartLineDeadline()
    {
        if (_lineDue == long.MaxValue)
        {
            Volatile.Write(ref _lineDue, Due(_lineTimeout));
        }

        _connection.BeginMessage(Timeout.InfiniteTimeSpan); // opens the message, or keeps the nick's start
        _connection.SetMessageDeadline(Until(Math.Min(_nickDue, _lineDue)));
    }

    /// <summary>No line under way: the message ends, or while the nick is awaited keeps only the nick's deadline.</summary>
    private void StopLineDeadline()
    {
        Volatile.Write(ref _lineDue, long.MaxValue);
        if (_nick is not null)
        {
            _connection.EndMessage();
        }
        else
        {
            _connection.SetMessageDeadline(Until(_nickDue));
        }
    }

    /// <summary>
    /// The connection's message deadline passed (on the server's heartbeat): whichever of the nick's and the line's
    /// came first, the member is told which and closed (reason <see cref="CloseReason.Limit"/>).
    /// </summary>
    private void OnDeadline()
    {
        var nickDue = Volatile.Read(ref _nickDue);
        var lineDue = Volatile.Read(ref _lineDue);
        if (Environment.TickCount64 < Math.Min(nickDue, lineDue))
        {
            return; // the line ended (or the nick came) as the heartbeat looked; the next read sets the deadline again
        }

        if (_nick is null && nickDue <= lineDue)
        {
            CloseForLimit(ChatFormat.NickTimedOut(_nickTimeout), null);
        }
        else
        {
            CloseForLimit(ChatFormat.LineTimedOut(_lineTimeout), "line timeout");
        }
    }

    // Zero or infinite: that deadline is off.
    private static long Due(TimeSpan timeout) =>
        timeout <= TimeSpan.Zero ? long.MaxValue : Environment.TickCount64 + (long)Math.Min(timeout.TotalMilliseconds, long.MaxValue / 4);

    private static TimeSpan Until(long due) =>
        due == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, due - Environment.TickCount64));

    private void CloseForIdle(ChatMessage notice)
    {
        _connection.TrySetCloseReason(CloseReason.Idle);
        _member.Close(notice, "idle");
    }

    private void CloseForLimit(ChatMessage notice, string? leaveReason)
    {
        if (_done)
        {
            return;
        }

        _connection.TrySetCloseReason(CloseReason.Limit);
        _member.Close(notice, leaveReason);
    }
}
