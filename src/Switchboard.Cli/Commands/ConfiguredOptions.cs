using Microsoft.Extensions.Configuration;
using Switchboard.Chat;
using Switchboard.Security;
using Switchboard.Services;
using Switchboard.Serving;

namespace Switchboard.Cli.Commands;

/// <summary>
/// What <c>serve --config</c> and the environment give, checked (each an option's value or the library's default),
/// before the flags override it.
/// </summary>
/// <param name="Server">The server's options; <see cref="ServerOptions.Tls"/> is left null, see <paramref name="Tls"/>.</param>
/// <param name="Services">The line-based services' options.</param>
/// <param name="Chat">The chat's options (<c>Chat:…</c>).</param>
/// <param name="Tls">The <c>Tls:…</c> settings, null when the section has none; checked once merged with the flags.</param>
/// <param name="Section">The <c>Switchboard</c> section, for <see cref="Has"/> and the keys of later errors.</param>
internal sealed record ConfiguredOptions(ServerOptions Server, ServiceOptions Services, ChatOptions Chat, TlsServerOptions? Tls, IConfigurationSection Section)
{
    /// <summary>Whether the file or the environment sets <paramref name="key"/> (<c>MaxConnections</c>, <c>Chat:MaxLineBytes</c>): a value, or a list.</summary>
    public bool Has(string key) => Section.GetSection(key) is var entry && (entry.Value is not null || entry.GetChildren().Any());

    /// <summary>Whether the configuration names the listeners.</summary>
    public bool Listens => Has(nameof(ServerOptions.Listen));
}
