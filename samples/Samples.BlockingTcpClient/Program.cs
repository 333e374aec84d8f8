// The Python docs' "Echo client program": connect, send "Hello, world", print what comes back.
// Usage: Samples.BlockingTcpClient HOST PORT [MESSAGE]
using System.Globalization;
using System.Net.Sockets;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Samples.BlockingTcpClient HOST PORT [MESSAGE]");
    return 2;
}

var message = Encoding.UTF8.GetBytes(args.Length > 2 ? args[2] : "Hello, world");

// socket(); connect((HOST, PORT)): the name is resolved and each address tried in turn.
using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
socket.Connect(args[0], int.Parse(args[1], CultureInfo.InvariantCulture));

// sendall(): loop, since send() may send fewer bytes than asked.
for (var sent = 0; sent < message.Length;)
{
    sent += socket.Send(message.AsSpan(sent));
}

// The listing's single recv(1024) may return only part of the echo: read until all of it is back.
var reply = new byte[message.Length];
for (var received = 0; received < reply.Length;)
{
    var n = socket.Receive(reply.AsSpan(received));
    if (n == 0)
    {
        Console.Error.WriteLine("the server closed the connection early");
        return 1;
    }

    received += n;
}

Console.WriteLine($"Received {Encoding.UTF8.GetString(reply)}");
return 0;
