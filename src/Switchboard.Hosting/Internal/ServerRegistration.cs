using Switchboard.Serving;

namespace Switchboard.Hosting.Internal;

/// <summary>One <c>AddServer</c> call: the server's name, its handler type (or none: a service by name), code configuration.</summary>
internal sealed record ServerRegistration(string Name, Type? HandlerType, string? Service, Action<ServerOptions>? Configure);
