using System.IO.Pipelines;
using System.Net.Sockets;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

// A Connection over pipes that another transport owns (Kestrel's): made by PipeConnection, which the transport
// keeps. Input and Output are that transport's pipes as they are (behind a thin wrapper that maps their failures); what the socket-backed connection does with its
// SocketIO, this one does with the pipes, or with the transport's own abort and, when it has one, its socket.
public sealed partial class Connection
{
    private readonly PipeReader? _pipeInput;
    private readonly Action? _abortTransport;
    private readonly Socket? _pipeSocket;

    internal Connection(IDuplexPipe transport, PipeConnectionOptions options)
    {
        Id = options.Id;
        LocalEndpoint = options.LocalEndpoint;
        RemoteEndPoint = options.RemoteEndPoint;
        ServerStopping = options.ServerStopping;
        _abortTransport = options.Abort;
        _pipeSocket = options.Socket;

        // The transport's pipes themselves, but for their failures: a handler catches ConnectionException here too.
        _pipeInput = new MappedPipeReader(transport.Input, this, options.ClassifyFailure);
        Output = new MappedPipeWriter(transport.Output, this, options.ClassifyFailure);
    }

    /// <summary>
    /// <see cref="WaitForInputAsync"/> on a pipe: a read that consumes and examines nothing, so the handler's next
    /// read returns at once with what arrived. The pipe has no wait of its own, and its read returns at once for
    /// bytes the handler has not examined yet, as the socket-backed wait does not: there they are still unread.
    /// </summary>
    private async ValueTask<bool> WaitForPipeInputAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var input = _pipeInput!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            var result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            input.AdvanceTo(result.Buffer.Start);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
