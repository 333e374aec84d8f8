namespace Switchboard.Systemd;

/// <summary>One descriptor systemd passed to this process, with its name from <c>LISTEN_FDNAMES</c>.</summary>
/// <param name="Descriptor">The descriptor number: 3 for the first (<c>SD_LISTEN_FDS_START</c>), then 4, 5 …</param>
/// <param name="Name">
/// Its name: the socket unit's <c>FileDescriptorName=</c>, by default the unit's own name (<c>echo.socket</c> →
/// <c>echo.socket</c>); <c>unknown</c> when systemd gave no names, as sd_listen_fds_with_names(3) reports it.
/// </param>
public sealed record PassedDescriptor(int Descriptor, string Name);
