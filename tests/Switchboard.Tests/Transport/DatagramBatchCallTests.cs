using System.Net;
using System.Net.Sockets;
using Switchboard.Tests.Support;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary><see cref="DatagramBatch"/> against the kernel: one recvmmsg takes what is queued, one sendmmsg sends the replies.</summary>
public sealed class DatagramBatchCallTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void OneReceiveTakesEveryQueuedDatagramWithItsSenderAndOneSendAnswersThemAll()
    {
        Assert.SkipUnless(LinuxSocketCalls.SupportsMessageBatches, "recvmmsg/sendmmsg: 64-bit Linux only");
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Blocking = false;
        using var first = Client(server);
        using var second = Client(server);
        first.Send("one"u8);
        second.Send("two!"u8);
        first.Send("three"u8);
        Assert.True(server.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead)); // loopback: queued when Send returned

        var batch = new DatagramBatch(8, AddressFamily.InterNetwork);
        var fd = server.SafeHandle.DangerousGetHandle();
        Assert.Equal(3, batch.Receive(fd));
        Assert.Equal("one"u8.ToArray(), batch.Payload(0).ToArray());
        Assert.Equal("two!"u8.ToArray(), batch.Payload(1).ToArray());
        Assert.Equal(first.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(batch.Sender(0)));
        Assert.Equal(second.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(batch.Sender(1)));
        Assert.False(batch.IsTruncated(2));

        // Echo's reply is its own slot (sent from there); a reply of other bytes is copied into the arena.
        Assert.True(batch.TryQueue(batch.Payload(0), batch.Sender(0)));
        Assert.True(batch.TryQueue("other"u8.ToArray(), batch.Sender(1)));
        Assert.True(batch.TryQueue(batch.Payload(2), batch.Sender(2)));
        Assert.Equal(3, batch.Send(fd, 0));
        batch.ClearQueue();

        var buffer = new byte[16];
        Assert.Equal("one", System.Text.Encoding.ASCII.GetString(buffer, 0, first.Receive(buffer)));
        Assert.Equal("three", System.Text.Encoding.ASCII.GetString(buffer, 0, first.Receive(buffer)));
        Assert.Equal("other", System.Text.Encoding.ASCII.GetString(buffer, 0, second.Receive(buffer)));

        // Nothing queued now: EAGAIN, as a negative errno.
        Assert.True(batch.Receive(fd) < 0);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AFullQueueRefusesTheNextReply()
    {
        Assert.SkipUnless(LinuxSocketCalls.SupportsMessageBatches, "recvmmsg/sendmmsg: 64-bit Linux only");
        var batch = new DatagramBatch(2, AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Loopback, 9).Serialize();
        Assert.True(batch.TryQueue(new byte[10], target));
        Assert.True(batch.TryQueue(new byte[10], target));
        Assert.False(batch.TryQueue(new byte[10], target));
        batch.ClearQueue();
        Assert.True(batch.TryQueue(new byte[DatagramBatch.ArenaSize], target));
        Assert.False(batch.TryQueue(new byte[1], target)); // the arena is full until the batch is sent
    }

    private static Socket Client(Socket server)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(server.LocalEndPoint!);
        client.ReceiveTimeout = 5000;
        return client;
    }
}
