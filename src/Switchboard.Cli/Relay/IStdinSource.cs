namespace Switchboard.Cli.Relay;

/// <summary>What a relay sends: stdin as bytes, as terminal lines, or one subscriber's share of a broadcast.</summary>
internal interface IStdinSource
{
    /// <summary>Reads at least one byte into <paramref name="buffer"/>, or returns 0 at end of input.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
