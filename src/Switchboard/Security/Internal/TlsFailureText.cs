using System.Security.Authentication;

namespace Switchboard.Security.Internal;

/// <summary>A handshake failure as one line: the innermost meaningful message, no stack, no line breaks.</summary>
internal static class TlsFailureText
{
    public static string Describe(Exception e)
    {
        var message = e switch
        {
            AuthenticationException { InnerException: { } inner } when !string.IsNullOrWhiteSpace(inner.Message) => $"{e.Message} ({inner.Message})",
            IOException { InnerException: { } inner } when !string.IsNullOrWhiteSpace(inner.Message) => $"{e.Message} ({inner.Message})",
            _ => e.Message,
        };
        return message.ReplaceLineEndings(" ").Trim();
    }
}
