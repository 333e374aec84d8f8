using Microsoft.Extensions.Logging;

namespace Switchboard.Hosting.Internal;

/// <summary>The hosted servers' own log lines (category <c>Switchboard.Hosting</c>; the reload's are 300 and 301).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(302, LogLevel.Information, "{Section}: self-signed TLS certificate for localhost, 127.0.0.1, ::1; SHA-256 fingerprint {Fingerprint}")]
    public static partial void SelfSigned(ILogger logger, string section, string fingerprint);
}
