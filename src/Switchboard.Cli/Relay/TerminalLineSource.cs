using System.Text;

namespace Switchboard.Cli.Relay;

/// <summary>
/// The interactive mode on a terminal: whole lines as the user ends them with Enter, each sent as UTF-8 with a
/// <c>\n</c>; Ctrl-D (end of input) is stdin EOF. No prompt, so what the peer sends reads cleanly in between.
/// </summary>
internal sealed class TerminalLineSource(TextReader input) : IStdinSource
{
    private ReadOnlyMemory<byte> _pending;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            var line = await input.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return 0;
            }

            _pending = Encoding.UTF8.GetBytes(line + "\n");
        }

        var n = Math.Min(buffer.Length, _pending.Length);
        _pending[..n].CopyTo(buffer);
        _pending = _pending[n..];
        return n;
    }
}
