using System.Diagnostics;
using System.Net;
using Switchboard.Endpoints;
using Switchboard.Transport;

namespace Switchboard.Serving.Internal;

/// <summary>
/// The <c>Switchboard</c> activity source: one <c>switchboard.connection</c> activity (a server span) per stream
/// connection, from admission to close. Nothing per message: a span per line would cost on the hot path and say
/// little a span per connection does not. With no listener attached, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null after one check, and nothing else runs (docs/performance.md has the figures).
/// </summary>
internal static class ConnectionActivity
{
    public const string SourceName = "Switchboard";

    public const string ActivityName = "switchboard.connection";

    // Static, as the .NET guidance has it: there is no factory for activity sources as there is for meters, and a
    // listener subscribes by name, so every server shares one.
    private static readonly ActivitySource Source = new(SourceName, typeof(ConnectionActivity).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the connection's activity as a root (a connection has no caller to be the child of), or returns null
    /// when no one listens. It becomes <see cref="Activity.Current"/> for the handler's code; call it from the async
    /// method that runs the handler, so that setting it there leaves the caller's flow as it was.
    /// </summary>
    public static Activity? Start(Connection connection, string service)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // A root: whatever was current where the server started (a host's startup span) is not this connection's
        // caller. Cleared in the caller's async flow only: the accept loop's own context is not touched.
        Activity.Current = null;
        var activity = Source.StartActivity(ActivityName, ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("switchboard.service", service);
            activity.SetTag("switchboard.connection.id", connection.Id);
            activity.SetTag("network.transport", connection.LocalEndpoint.Kind.IsUnix() ? "unix" : "tcp");
            activity.SetTag("server.address", connection.LocalEndpoint.ToString());
            if (connection.RemoteEndPoint is IPEndPoint peer)
            {
                // A trace may name the peer; the metrics may not (their cardinality).
                activity.SetTag("network.peer.address", peer.Address.ToString());
                activity.SetTag("network.peer.port", peer.Port);
            }
        }

        return activity;
    }

    /// <summary>Ends the activity with the close reason (and <c>error.type</c> and an error status for an error close).</summary>
    public static void Stop(Activity? activity, Connection connection, CloseReason reason)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            var name = reason.ToName();
            activity.SetTag(ServerMetrics.CloseReasonAttribute, name);
            activity.SetTag("switchboard.bytes.received", connection.BytesReceived);
            activity.SetTag("switchboard.bytes.sent", connection.BytesSent);
            if (reason.IsError())
            {
                activity.SetTag("error.type", name);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Stop();
    }
}
