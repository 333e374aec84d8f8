// A Unix-domain stream client: send a message, half-close, print everything the server sends back.
// Usage: Samples.UnixClient PATH [MESSAGE]
using System.Net.Sockets;
using System.Text;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Samples.UnixClient PATH [MESSAGE]");
    return 2;
}

using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
socket.Connect(new UnixDomainSocketEndPoint(args[0]));
using var stream = new NetworkStream(socket);
stream.Write(Encoding.UTF8.GetBytes(args.Length > 1 ? args[1] : "hello over a Unix socket"));
socket.Shutdown(SocketShutdown.Send); // end of our message; the server sees EOF and stops echoing
using var reader = new StreamReader(stream, Encoding.UTF8);
Console.WriteLine($"received {reader.ReadToEnd()}");
return 0;
