using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>The session's timeouts: what the idle timeout means for a member, and how a deadline closes it.</summary>
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
