// The Python docs' "Echo server program", blocking: accept one connection, send back what it sends until it closes.
// Usage: Samples.BlockingTcpServer [PORT]   (0, the default, lets the kernel choose; the port is printed)
using System.Globalization;
using System.Net;
using System.Net.Sockets;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;

// socket(AF_INET, SOCK_STREAM); bind((HOST, PORT)); listen(1)
using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(1);
Console.WriteLine($"listening on tcp://{listener.LocalEndPoint}");

// conn, addr = s.accept()
using var connection = listener.Accept();
Console.WriteLine($"Connected by {connection.RemoteEndPoint}");
var buffer = new byte[1024];
while (true)
{
    // recv() returning 0 bytes (Python: b"") is the peer's end of stream, not an error.
    var received = connection.Receive(buffer);
    if (received == 0)
    {
        break;
    }

    // sendall(): send() may take only part of the data, so loop until all of it is gone.
    var sent = 0;
    while (sent < received)
    {
        sent += connection.Send(buffer.AsSpan(sent, received - sent));
    }
}

Console.WriteLine("Connection closed by the peer");
