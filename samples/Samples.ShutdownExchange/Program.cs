// The HOWTO's HTTP-like exchange: send the whole request, shutdown(SHUT_WR) to say "that is all", then read the
// reply until the server closes. Usage: Samples.ShutdownExchange HOST PORT [REQUEST]
using System.Globalization;
using System.Net.Sockets;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Samples.ShutdownExchange HOST PORT [REQUEST]");
    return 2;
}

using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
await socket.ConnectAsync(args[0], int.Parse(args[1], CultureInfo.InvariantCulture));
var request = Encoding.UTF8.GetBytes(args.Length > 2 ? args[2] : "GET / HTTP/1.0\r\n\r\n");
for (var sent = 0; sent < request.Length;)
{
    sent += await socket.SendAsync(request.AsMemory(sent));
}

// FIN: the server's recv() returns b"" and it knows the request is complete. We can still receive.
socket.Shutdown(SocketShutdown.Send);

// The reply is everything until the server closes (a message ended by close).
var reply = new MemoryStream();
var buffer = new byte[4096];
int received;
while ((received = await socket.ReceiveAsync(buffer)) > 0)
{
    reply.Write(buffer, 0, received);
}

using var stdout = Console.OpenStandardOutput();
stdout.Write(reply.GetBuffer(), 0, (int)reply.Length);
return 0;
