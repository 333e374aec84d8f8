using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Switchboard.Endpoints;

namespace Switchboard.Tests.Support;

/// <summary>A TLS client on the runtime's own SslStream, trusting exactly one certificate: an independent peer for our servers.</summary>
public sealed class TlsTestClient : IDisposable
{
    private TlsTestClient(Socket socket, SslStream stream)
    {
        Socket = socket;
        Stream = stream;
    }

    public Socket Socket { get; }

    public SslStream Stream { get; }

    public static async Task<TlsTestClient> ConnectAsync(EndpointUri endpoint, X509Certificate2 trusted, X509Certificate2? clientCertificate = null, string[]? alpn = null)
    {
        var socket = new Socket(endpoint.ToEndPoint().AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        await socket.ConnectAsync(endpoint.ToEndPoint(), timeout.Token);
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trusted.GetCertHashString(),
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }

        if (alpn is not null)
        {
            options.ApplicationProtocols = [.. alpn.Select(p => new SslApplicationProtocol(p))];
        }

        try
        {
            await stream.AuthenticateAsClientAsync(options, timeout.Token);
        }
        catch
        {
            stream.Dispose();
            socket.Dispose();
            throw;
        }

        return new TlsTestClient(socket, stream);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        await Stream.WriteAsync(data, timeout.Token);
        await Stream.FlushAsync(timeout.Token);
    }

    /// <summary>close_notify, then FIN: the TLS half-close.</summary>
    public async Task HalfCloseAsync()
    {
        await Stream.ShutdownAsync();
        Socket.Shutdown(SocketShutdown.Send);
    }

    public async Task<byte[]> ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var all = new MemoryStream();
        await Stream.CopyToAsync(all, timeout.Token);
        return all.ToArray();
    }

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var buffer = new byte[count];
        await Stream.ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }

    public void Dispose()
    {
        Stream.Dispose();
        Socket.Dispose();
    }
}
