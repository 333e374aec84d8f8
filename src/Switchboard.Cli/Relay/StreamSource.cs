namespace Switchboard.Cli.Relay;

/// <summary>Stdin as raw bytes, each read passed on as it is (binary safe).</summary>
internal sealed class StreamSource(Stream input) : IStdinSource
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        input.ReadAsync(buffer, cancellationToken);
}
