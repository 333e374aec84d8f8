using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Switchboard.Transport.Internal;

namespace Switchboard.Security.Internal;

/// <summary>
/// A TLS connection's I/O: the plaintext side of an <see cref="SslStream"/> whose ciphertext goes through the
/// model's own <see cref="SocketIO"/> (<see cref="SocketIOStream"/>). Everything above (pipes, handlers) is the
/// same as for a plain socket; under the select model the handshake and the crypto run on the connection's loop.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SocketIO has no Dispose: Close and Abort, one of which ends every connection, dispose the SslStream.")]
internal sealed class TlsSocketIO : SocketIO
{
    private readonly SocketIO _inner;
    private readonly SslStream _ssl;
    private Task<int>? _peek;
    private int _closeNotifySent;

    public TlsSocketIO(SocketIO inner)
        : base(inner.Socket)
    {
        _inner = inner;
        _ssl = new SslStream(new SocketIOStream(inner), leaveInnerStreamOpen: true);
    }

    public SslStream Stream => _ssl;

    public override bool BlocksCaller => _inner.BlocksCaller;

    public override bool WaitsBeforeRenting => _inner.WaitsBeforeRenting;

    public override SelectLoop? Loop => _inner.Loop;

    public Task AuthenticateAsServerAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken) =>
        _ssl.AuthenticateAsServerAsync(options, cancellationToken);

    public Task AuthenticateAsClientAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken) =>
        _ssl.AuthenticateAsClientAsync(options, cancellationToken);

    public override ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("a TLS connection does not accept");

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _peek is null ? _ssl.ReadAsync(buffer, cancellationToken) : ReceiveAfterPeekAsync(buffer, cancellationToken);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        _ssl.WriteAsync(buffer, cancellationToken);

    public override ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress sender, CancellationToken cancellationToken) =>
        throw new NotSupportedException("TLS runs over streams only");

    public override ValueTask<bool> SendToAsync(ReadOnlyMemory<byte> buffer, SocketAddress target, CancellationToken cancellationToken) =>
        throw new NotSupportedException("TLS runs over streams only");

    /// <summary>
    /// Readiness at the TLS level, which the socket's is not: a record may have half arrived (the socket is readable,
    /// no plaintext is), or be decrypted and buffered already (the socket is empty, plaintext is there). A zero-byte
    /// read of the SslStream ends exactly when plaintext or the end is there, and holds no buffer meanwhile.
    /// </summary>
    public override ValueTask<bool> WaitForReadableAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        IsInfinite(timeout) && _peek is null ? WaitAsync(cancellationToken) : TimedWaitAsync(timeout, cancellationToken);

    /// <summary>Sends TLS's close_notify, once, so the peer reads a clean end rather than a truncation.</summary>
    public override async ValueTask EndSendingAsync()
    {
        if (Interlocked.Exchange(ref _closeNotifySent, 1) != 0 || !_ssl.IsAuthenticated)
        {
            return;
        }

        try
        {
            await _ssl.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // The peer is gone already; the FIN or RST that follows tells it the rest.
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // OpenSSL refused the close_notify: the session has failed, or a record it did not expect arrived around
            // the close ("application data after close notify", seen under load). The session is over either way,
            // and the FIN that follows ends the stream; a half-close must not fail, let alone crash the client.
        }
    }

    public override async ValueTask ShutdownSendAsync(CancellationToken cancellationToken)
    {
        await EndSendingAsync().ConfigureAwait(false);
        _inner.ShutdownSend();
    }

    public override void ShutdownSend() => _inner.ShutdownSend();

    public override void Close()
    {
        _inner.Close();
        _ssl.Dispose(); // frees the native TLS state now, not at finalization
    }

    public override void Abort()
    {
        _inner.Abort();
        _ssl.Dispose();
    }

    private async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        await _ssl.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A timed wait starts a zero-byte read and, on timeout, leaves it running rather than canceling it (a canceled
    /// SslStream read may leave a record half read); the next read or wait awaits it first.
    /// </summary>
    private async ValueTask<bool> TimedWaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _peek ??= StartPeek();
        try
        {
            await _peek.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_peek.IsCompleted)
        {
            throw;
        }

        var peek = _peek;
        _peek = null;
        await peek.ConfigureAwait(false); // its failure, if it failed
        return true;
    }

    // A blocking receive would hold the caller past its timeout: under the blocking models the peek runs beside it.
    private Task<int> StartPeek() => _inner.BlocksCaller
        ? Task.Run(async () => await _ssl.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false))
        : _ssl.ReadAsync(Memory<byte>.Empty).AsTask();

    private async ValueTask<int> ReceiveAfterPeekAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var peek = _peek!;
        _peek = null;
        await peek.ConfigureAwait(false);
        return await _ssl.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }
}
