using System.Globalization;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

internal static partial class ListenerFactory
{
    /// <summary>
    /// Takes over a socket this process was handed (systemd socket activation, or a parent that left it open): its
    /// kind is read from the descriptor itself (<c>SO_DOMAIN</c>, <c>SO_TYPE</c>) and its address with getsockname,
    /// so the listener's <see cref="Listener.Endpoint"/> is the real one. A stream socket must already be listening
    /// (systemd's <c>Accept=no</c>, its default). The descriptor is made close-on-exec and belongs to the listener
    /// from here on: disposing it closes the descriptor, but never removes a Unix socket's file, which is the
    /// service manager's. Of <paramref name="options"/> only the buffer sizes apply; the backlog, address reuse and
    /// file mode were the creator's to set. Throws <see cref="ListenerBindException"/> with one line naming the
    /// descriptor when it is not open, not a socket, or a stream socket that is not listening; such a descriptor is
    /// left as it was.
    /// </summary>
    public static Listener Adopt(int descriptor, TransportOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor);
        ArgumentNullException.ThrowIfNull(options);
        var name = string.Create(CultureInfo.InvariantCulture, $"fd://{descriptor}");
        if (OperatingSystem.IsWindows())
        {
            throw new ListenerBindException($"cannot listen on {name}: inherited descriptors are a Unix facility");
        }

        if (InheritedDescriptor.Inspect(descriptor, out var listening, out var problem) is not { } kind)
        {
            throw new ListenerBindException($"cannot listen on {name}: {problem}");
        }

        if (kind.IsStream() && !listening)
        {
            throw new ListenerBindException(
                $"cannot listen on {name}: it is a {kind.Scheme()} stream socket that is not listening (a connection? systemd's Accept=yes hands over connections; use Accept=no)");
        }

        InheritedDescriptor.SetCloseOnExec(descriptor);
        var socket = new Socket(new SafeSocketHandle(descriptor, ownsHandle: true));
        try
        {
            ApplyBufferSizes(socket, options);
            var bound = socket.LocalEndPoint is { } local ? EndpointUri.FromEndPoint(kind, local) : null;
            if (bound is null || (kind.IsUnix() && !(bound.Path?.StartsWith('/') == true || bound.IsAbstract)))
            {
                throw new ListenerBindException($"cannot listen on {name}: the {kind.Scheme()} socket has no address of its own");
            }

            return new Listener(bound, bound, socket, ownedFile: null) { Descriptor = descriptor };
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ListenerBindException($"cannot listen on {name}: {e.Message}", e);
        }
        catch (ListenerBindException)
        {
            socket.Dispose();
            throw;
        }
    }
}
