namespace Switchboard.Transport.Internal;

/// <summary>Where a connection reports the bytes it moves (the server's metrics).</summary>
internal interface ITrafficSink
{
    void OnReceived(long bytes);

    void OnSent(long bytes);
}
