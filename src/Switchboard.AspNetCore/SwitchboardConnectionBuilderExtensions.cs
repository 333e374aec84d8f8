using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.AspNetCore.Internal;
using Switchboard.Handlers;

namespace Switchboard.AspNetCore;

/// <summary>
/// <c>listenOptions.UseSwitchboard&lt;THandler&gt;()</c>: a Switchboard <see cref="IStreamHandler"/> (echo, the
/// chat, one's own) serves the connections of a Kestrel listener, as Kestrel's <c>UseConnectionHandler</c> serves a
/// <see cref="ConnectionHandler"/>. It ends the listener's pipeline: middleware added before it (<c>UseHttps()</c>,
/// <c>UseConnectionLogging()</c>) runs first, and the handler reads and writes what they hand on (decrypted, logged).
/// </summary>
public static class SwitchboardConnectionBuilderExtensions
{
    /// <summary>
    /// Serves the listener's connections with <typeparamref name="THandler"/> from the application's services, or,
    /// when none is registered, one made with its constructor's arguments from them (as
    /// <c>UseConnectionHandler&lt;T&gt;</c> does). One handler serves every connection of the listener.
    /// </summary>
    public static IConnectionBuilder UseSwitchboard<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IConnectionBuilder builder)
        where THandler : class, IStreamHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        var handler = ActivatorUtilities.GetServiceOrCreateInstance<THandler>(builder.ApplicationServices);
        return builder.UseSwitchboard(handler, typeof(THandler).Name);
    }

    /// <summary>Serves the listener's connections with <paramref name="handler"/>, e.g. <c>new EchoService()</c>.</summary>
    /// <param name="builder">The listener (Kestrel's <c>ListenOptions</c>) or another connection pipeline.</param>
    /// <param name="handler">Serves every connection of the listener.</param>
    /// <param name="serviceName">The name the logs give the handler; defaults to its type's name.</param>
    public static IConnectionBuilder UseSwitchboard(this IConnectionBuilder builder, IStreamHandler handler, string? serviceName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        var services = builder.ApplicationServices;
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var adapter = new SwitchboardConnectionHandler(handler, serviceName ?? handler.GetType().Name, loggers.CreateLogger("Switchboard.AspNetCore"), stopping);
        return builder.Run(adapter.OnConnectedAsync);
    }
}
