using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Switchboard.Chat.Redis;

/// <summary>
/// Reads the address of a backplane as <c>switchboard serve chat --backplane</c> takes it:
/// <c>redis://[[USER]:PASSWORD@]HOST:PORT</c>, <c>rediss://…</c> for TLS, or <c>unix:///path/redis.sock</c>;
/// a query string passes StackExchange.Redis options through as they are named there
/// (<c>?ssl=true&amp;sslHost=cache&amp;connectTimeout=2000</c>).
/// </summary>
public static class RedisBackplaneUri
{
    /// <summary>Redis's own port, when a <c>redis://</c> address gives none.</summary>
    public const int DefaultPort = 6379;

    /// <summary>The StackExchange.Redis configuration for <paramref name="text"/>; a <see cref="FormatException"/> of one line when it is not one.</summary>
    public static ConfigurationOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new FormatException($"not a backplane address: '{text}' (use redis://HOST:PORT or unix:///path)");
        }

        var options = new ConfigurationOptions();
        switch (uri.Scheme)
        {
            case "redis":
            case "rediss":
                if (uri.Host.Length == 0)
                {
                    throw new FormatException($"backplane address '{text}' names no host");
                }

                var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
                options.EndPoints.Add(IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)
                    ? new IPEndPoint(address, port)
                    : new DnsEndPoint(uri.Host, port));
                options.Ssl = uri.Scheme == "rediss";
                break;
            case "unix":
                if (uri.AbsolutePath.Length <= 1)
                {
                    throw new FormatException($"backplane address '{text}' names no socket path");
                }

                options.EndPoints.Add(new UnixDomainSocketEndPoint(Uri.UnescapeDataString(uri.AbsolutePath)));
                break;
            default:
                throw new FormatException($"backplane address '{text}': scheme {uri.Scheme} is not redis, rediss or unix");
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? "" : uri.UserInfo[..colon]);
            options.Password = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[(colon + 1)..]);
            if (user.Length > 0)
            {
                options.User = user;
            }
        }

        if (uri.Query.Length > 1)
        {
            Apply(options, uri.Query[1..], text);
        }

        return options;
    }

    /// <summary>Passes <c>name=value</c> pairs to StackExchange.Redis's own parser, which knows every option it has.</summary>
    private static void Apply(ConfigurationOptions options, string query, string text)
    {
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        if (pairs.Any(p => !p.Contains('=', StringComparison.Ordinal) || p.Contains(',', StringComparison.Ordinal)))
        {
            throw new FormatException($"backplane address '{text}': options go as ?name=value&name=value");
        }

        var names = new[] { "password", "user", "ssl", "sslhost", "connecttimeout", "synctimeout", "asynctimeout", "keepalive", "name", "allowadmin", "checkcertificaterevocation" };
        if (pairs.FirstOrDefault(p => !names.Contains(p[..p.IndexOf('=', StringComparison.Ordinal)].ToLowerInvariant())) is { } unknown)
        {
            throw new FormatException(
                $"backplane address '{text}': option {unknown} is not one the backplane passes on (password, user, ssl, sslHost, connectTimeout, syncTimeout, asyncTimeout, keepAlive, name, allowAdmin, checkCertificateRevocation)");
        }

        ConfigurationOptions parsed;
        try
        {
            // The endpoint is ours; a placeholder makes the string one StackExchange.Redis parses.
            parsed = ConfigurationOptions.Parse("placeholder:1," + string.Join(',', pairs));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"backplane address '{text}': {e.Message}", e);
        }

        foreach (var pair in pairs)
        {
            var name = pair[..pair.IndexOf('=', StringComparison.Ordinal)].ToLowerInvariant();
            switch (name)
            {
                case "password": options.Password = parsed.Password; break;
                case "user": options.User = parsed.User; break;
                case "ssl": options.Ssl = parsed.Ssl; break;
                case "sslhost": options.SslHost = parsed.SslHost; break;
                case "connecttimeout": options.ConnectTimeout = parsed.ConnectTimeout; break;
                case "synctimeout": options.SyncTimeout = parsed.SyncTimeout; break;
                case "asynctimeout": options.AsyncTimeout = parsed.AsyncTimeout; break;
                case "keepalive": options.KeepAlive = parsed.KeepAlive; break;
                case "name": options.ClientName = parsed.ClientName; break;
                case "allowadmin": options.AllowAdmin = parsed.AllowAdmin; break;
                case "checkcertificaterevocation": options.CheckCertificateRevocation = parsed.CheckCertificateRevocation; break;
                default: break; // refused above
            }
        }
    }
}
