namespace Switchboard.Hosting;

/// <summary>Where a <see cref="SwitchboardHostedServer"/> is in its life.</summary>
public enum SwitchboardServerState
{
    /// <summary>The host has not started it yet.</summary>
    NotStarted,

    /// <summary>Bound and serving.</summary>
    Listening,

    /// <summary>Stopping or stopped: its listeners are closed.</summary>
    Stopped,
}
