using System.Net.Sockets;
using Switchboard.Tests.Support;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary>
/// The event loops' direct recv/send on Linux must report what .NET's own calls report, or a reset peer would be
/// logged as a handler fault instead of a disconnect. Checked against the real calls on a real socket pair.
/// </summary>
public sealed class LinuxSocketCallsTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AResetPeerIsReportedLikeDotNetReportsIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Linux only");
        var (ours, peer) = await ConnectedPairAsync();
        using (ours)
        {
            peer.Reset(); // RST: the next receive fails with ECONNRESET
            Assert.True(ours.Poll(TestTimeouts.Io, SelectMode.SelectRead), "the reset never arrived"); // a reset reads as readable
            var n = LinuxSocketCalls.Receive(ours.SafeHandle.DangerousGetHandle(), new byte[16]);
            Assert.True(n < 0, $"receive returned {n}");
            Assert.Equal(SocketError.ConnectionReset, LinuxSocketCalls.ToSocketError(-n));

            // After the reset is reported, a send fails the way .NET reports it (EPIPE: Shutdown).
            var sent = LinuxSocketCalls.Send(ours.SafeHandle.DangerousGetHandle(), new byte[16]);
            Assert.True(sent < 0, $"send returned {sent}");
            ours.Send(new byte[16], SocketFlags.None, out var dotnetError);
            Assert.Equal(dotnetError, LinuxSocketCalls.ToSocketError(-sent));
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ANonBlockingReceiveWithNothingQueuedWouldBlockAndDataThenArrives()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Linux only");
        var (ours, peer) = await ConnectedPairAsync();
        using (ours)
        using (peer)
        {
            var fd = ours.SafeHandle.DangerousGetHandle();
            var buffer = new byte[16];
            var n = LinuxSocketCalls.Receive(fd, buffer);
            Assert.Equal(SocketError.WouldBlock, LinuxSocketCalls.ToSocketError(-n));

            peer.Send("hello"u8);
            Assert.True(await Eventually.TrueAsync(() => ours.Available == 5));
            Assert.Equal(5, LinuxSocketCalls.Receive(fd, buffer));
            Assert.Equal("hello"u8.ToArray(), buffer[..5]);
            Assert.Equal(3, LinuxSocketCalls.Send(fd, "abc"u8));
            Assert.Equal("abc"u8.ToArray(), await peer.ReadExactlyAsync(3));
        }
    }

    private static async Task<(Socket Ours, Socket Peer)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
        var ours = await listener.AcceptAsync(TestContext.Current.CancellationToken);
        return (ours, peer);
    }
}
