using System.Text;
using Switchboard.Cli.Relay;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli.Relay;

public sealed class TerminalLineSourceTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EachTypedLineIsSentWithANewlineAndEndOfInputIsEof()
    {
        var source = new TerminalLineSource(new StringReader("héllo\r\nworld\n"));
        var sent = new MemoryStream();
        var buffer = new byte[3]; // smaller than a line: a line is handed over in pieces, none lost
        int n;
        while ((n = await source.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            sent.Write(buffer, 0, n);
        }

        Assert.Equal("héllo\nworld\n", Encoding.UTF8.GetString(sent.ToArray()));
    }
}
