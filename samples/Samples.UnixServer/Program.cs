// A Unix-domain stream echo server: the TCP echo server with a file path for an address. It serves one
// connection, then removes its socket file. Usage: Samples.UnixServer PATH
using System.Net.Sockets;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Samples.UnixServer PATH");
    return 2;
}

var path = args[0];

// bind() fails with "Address already in use" if the path exists, even as a stale socket left by a crash. Deleting
// whatever is there would destroy a regular file given by mistake (`switchboard serve` checks it is a dead socket
// first); a sample just says so.
if (File.Exists(path))
{
    Console.Error.WriteLine($"{path} exists; remove it if it is a stale socket");
    return 1;
}

using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
listener.Bind(new UnixDomainSocketEndPoint(path));
listener.Listen(1);
Console.WriteLine($"listening on unix://{path}");
try
{
    using var connection = listener.Accept();
    Console.WriteLine("connected");
    var buffer = new byte[1024];
    int received;
    while ((received = connection.Receive(buffer)) > 0)
    {
        connection.Send(buffer.AsSpan(0, received)); // blocking Send sends it all (no timeout is set)
    }

    Console.WriteLine("connection closed by the peer");
}
finally
{
    // The kernel does not remove a Unix socket's file when the socket closes.
    File.Delete(path);
}

return 0;
