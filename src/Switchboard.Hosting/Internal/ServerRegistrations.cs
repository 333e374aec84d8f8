namespace Switchboard.Hosting.Internal;

/// <summary>The servers added so far, one list per service collection (a singleton instance in it).</summary>
internal sealed class ServerRegistrations
{
    public List<ServerRegistration> All { get; } = [];

    public bool Contains(string name) => All.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
