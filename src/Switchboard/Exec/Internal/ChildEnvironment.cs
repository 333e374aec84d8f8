using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Exec.Internal;

/// <summary>
/// The variables that tell a child who is calling (docs/cli.md lists them): <c>PROTO</c>, <c>REMOTE_ADDR</c>,
/// <c>REMOTE_PORT</c>, <c>LOCAL_ADDR</c>, <c>LOCAL_PORT</c> (the CGI-style names), and for TCP the UCSPI names
/// tcpserver's programs read, <c>TCPREMOTEIP</c>, <c>TCPREMOTEPORT</c>, <c>TCPLOCALIP</c>, <c>TCPLOCALPORT</c>.
/// </summary>
internal static class ChildEnvironment
{
    /// <summary>The names set per connection; the server's own values of these are not passed on.</summary>
    public static readonly string[] Names =
        ["PROTO", "REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT"];

    /// <summary>The server's environment as NAME=value, less <see cref="Names"/>.</summary>
    public static IEnumerable<string> Inherited()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (Array.IndexOf(Names, name) < 0)
            {
                yield return $"{name}={entry.Value}";
            }
        }
    }

    /// <summary>
    /// The variables for one connection. TLS is TCP to the child (which sees the plaintext), so <c>PROTO=TCP</c>
    /// there too. A Unix socket gives <c>PROTO=UNIX</c> and its paths (a client's is usually unnamed: empty).
    /// </summary>
    public static List<string> For(EndPoint? remote, EndPoint? local)
    {
        var variables = new List<string>(Names.Length);
        if (remote is IPEndPoint peer && local is IPEndPoint own)
        {
            var peerAddress = Plain(peer.Address);
            var ownAddress = Plain(own.Address);
            var peerPort = peer.Port.ToString(CultureInfo.InvariantCulture);
            var ownPort = own.Port.ToString(CultureInfo.InvariantCulture);
            variables.Add("PROTO=TCP");
            variables.Add("REMOTE_ADDR=" + peerAddress);
            variables.Add("REMOTE_PORT=" + peerPort);
            variables.Add("LOCAL_ADDR=" + ownAddress);
            variables.Add("LOCAL_PORT=" + ownPort);
            variables.Add("TCPREMOTEIP=" + peerAddress);
            variables.Add("TCPREMOTEPORT=" + peerPort);
            variables.Add("TCPLOCALIP=" + ownAddress);
            variables.Add("TCPLOCALPORT=" + ownPort);
        }
        else
        {
            variables.Add("PROTO=UNIX");
            variables.Add("REMOTE_ADDR=" + UnixPath(remote));
            variables.Add("LOCAL_ADDR=" + UnixPath(local));
        }

        return variables;
    }

    private static string Plain(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    /// <summary>The socket's path, <c>@name</c> for an abstract one, empty for an unnamed one.</summary>
    private static string UnixPath(EndPoint? endPoint) => endPoint?.ToString() is { Length: > 0 } text
        ? text[0] == '\0' ? "@" + text[1..] : text
        : string.Empty;
}
