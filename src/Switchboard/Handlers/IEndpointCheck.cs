using Switchboard.Endpoints;

namespace Switchboard.Handlers;

/// <summary>
/// A stream handler that cannot serve every kind of endpoint says so here; <c>Server.Start</c> calls it for each
/// endpoint to listen on, before anything is bound, so a combination that could never work (direct exec over TLS)
/// fails at start with one line rather than on every connection.
/// </summary>
internal interface IEndpointCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the endpoint when the handler cannot serve it.</summary>
    void Check(EndpointUri endpoint);
}
