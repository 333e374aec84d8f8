namespace Switchboard.Cli.Bench;

/// <summary>
/// A private directory for the load's Unix datagram sockets: an unbound one has no address a reply could reach, so
/// each is bound to a path here; the directory and its sockets are removed when the load ends.
/// </summary>
internal sealed class DatagramClientPaths : IDisposable
{
    private string? _directory;
    private int _next;

    /// <summary>A fresh socket path.</summary>
    public string Next()
    {
        _directory ??= Directory.CreateTempSubdirectory("switchboard-bench-").FullName;
        return Path.Combine(_directory, $"c{_next++}.sock");
    }

    public void Dispose()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
