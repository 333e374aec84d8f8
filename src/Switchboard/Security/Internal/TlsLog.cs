using Microsoft.Extensions.Logging;

namespace Switchboard.Security.Internal;

/// <summary>The server's TLS log lines (event ids 200–209).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(200, LogLevel.Warning, "TLS handshake with {Peer} on {Endpoint} failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string peer, string endpoint, string reason);

    [LoggerMessage(201, LogLevel.Information, "TLS certificate reloaded: {Subject}, SHA-256 {Fingerprint}")]
    public static partial void Reloaded(ILogger logger, string subject, string fingerprint);

    [LoggerMessage(202, LogLevel.Warning, "TLS certificate reload failed, keeping the old certificate: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string reason);

    [LoggerMessage(203, LogLevel.Debug, "connection #{Id} from {Peer}: TLS {Protocol}, {Cipher}, ALPN '{Alpn}'")]
    public static partial void Handshaken(ILogger logger, long id, string peer, string protocol, string cipher, string alpn);
}
