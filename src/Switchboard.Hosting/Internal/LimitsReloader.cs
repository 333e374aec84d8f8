using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Switchboard.Options;
using Switchboard.Serving;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Watches a running server's configuration section: on each reload it reads the section again and hands the
/// server its new limits (<see cref="Server.UpdateLimits"/>). What cannot change while running (listeners, model,
/// service, transport, TLS, the services' options …) is compared as text and named in one warning: a restart is
/// needed. A bad value is one error naming its key, and the limits in force stay.
/// </summary>
internal sealed partial class LimitsReloader : IDisposable
{
    /// <summary>The section's keys that reload: <see cref="ServerLimits"/>'s properties, by their option names.</summary>
    private static readonly HashSet<string> Reloadable = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(ServerLimits.MaxConnections), nameof(ServerLimits.MaxConnectionsPerAddress), nameof(ServerLimits.EvictionGrace),
        nameof(ServerLimits.IdleTimeout), nameof(ServerLimits.DrainTimeout), nameof(ServerLimits.DatagramReplyRate),
        nameof(ServerLimits.DatagramReplyBurst),
    };

    private readonly IConfigurationSection _section;
    private readonly Server _server;
    private readonly Func<IConfigurationSection, ServerOptions> _read;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string?> _fixedAtStart;
    private string _warnedAbout = "";

    /// <param name="section">The server's section, <c>Switchboard:Servers:NAME</c>.</param>
    /// <param name="configuration">The root whose reload token fires.</param>
    /// <param name="server">The running server.</param>
    /// <param name="read">Reads the section as the start did (binding, then the code's configuration); throws <see cref="SwitchboardConfigurationException"/>.</param>
    /// <param name="logger">Where the reload's lines go.</param>
    public LimitsReloader(IConfigurationSection section, IConfiguration configuration, Server server, Func<IConfigurationSection, ServerOptions> read, ILogger logger)
    {
        _section = section;
        _server = server;
        _read = read;
        _logger = logger;
        _fixedAtStart = FixedKeys(section);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public void Dispose() => _subscription.Dispose();

    /// <summary>One reload: the new limits, or one error; and one warning for what needs a restart.</summary>
    public void Reload()
    {
        lock (_lock)
        {
            WarnAboutFixedChanges();
            ServerLimits limits;
            try
            {
                limits = ServerLimits.From(_read(_section));
                limits.Validate();
            }
            catch (SwitchboardConfigurationException e)
            {
                ReloadFailed(_logger, e.Message);
                return;
            }
            catch (OptionOutOfRangeException e) when (e.OptionName.Length > 0)
            {
                ReloadFailed(_logger, $"{ServerOptionsBinder.KeyOf(_section, e.OptionName)} {e.Rule}");
                return;
            }

            try
            {
                _server.UpdateLimits(limits);
            }
            catch (InvalidOperationException)
            {
                // Stopped meanwhile: nothing to update.
            }
        }
    }

    private void WarnAboutFixedChanges()
    {
        var now = FixedKeys(_section);
        var changed = now.Keys.Union(_fixedAtStart.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(k => !Equals(now.GetValueOrDefault(k), _fixedAtStart.GetValueOrDefault(k)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var about = string.Join(", ", changed);
        if (about == _warnedAbout)
        {
            return; // said once per change, not at every reload while it waits for the restart
        }

        _warnedAbout = about;
        if (changed.Count > 0)
        {
            RestartNeeded(_logger, _section.Path, about);
        }
    }

    /// <summary>Every key below the section, with its value, but the reloadable ones: what a restart would change.</summary>
    private static Dictionary<string, string?> FixedKeys(IConfigurationSection section)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && !Reloadable.Contains(key))
            {
                keys[key] = value;
            }
        }

        return keys;
    }

    [LoggerMessage(300, LogLevel.Error, "configuration reload: {Problem}; the limits in force stay")]
    private static partial void ReloadFailed(ILogger logger, string problem);

    [LoggerMessage(301, LogLevel.Warning, "configuration reload: {Section}: {Keys} changed, which a running server cannot take: a restart is needed to apply them (the limits reload)")]
    private static partial void RestartNeeded(ILogger logger, string section, string keys);
}
