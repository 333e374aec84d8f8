// A UDP echo server: every datagram goes back to its sender unchanged. Usage: Samples.UdpEchoServer [PORT]
using System.Globalization;
using System.Net;
using System.Net.Sockets;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
Console.WriteLine($"listening on udp://{socket.LocalEndPoint}");

var buffer = new byte[65_507];
EndPoint sender = new IPEndPoint(IPAddress.Any, 0);
while (true)
{
    var received = socket.ReceiveFrom(buffer, ref sender);
    Console.WriteLine($"received {received} bytes from {sender}");
    socket.SendTo(buffer.AsSpan(0, received), SocketFlags.None, sender);
}
