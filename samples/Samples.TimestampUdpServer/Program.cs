// The tutorials' UDP timestamp server (tsUserv.py): each datagram comes back as "[ctime] data" to its sender.
// Usage: Samples.TimestampUdpServer [PORT]
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
Console.WriteLine($"listening on udp://{socket.LocalEndPoint}");

// 65,507 bytes is the largest IPv4 UDP payload: a smaller buffer silently truncates a larger datagram.
var buffer = new byte[65_507];
EndPoint sender = new IPEndPoint(IPAddress.Any, 0);
while (true)
{
    // recvfrom(): one call, one whole datagram, and who sent it.
    var received = socket.ReceiveFrom(buffer, ref sender);
    var now = DateTime.Now;
    var stamp = string.Create(CultureInfo.InvariantCulture, $"[{now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}] ");
    var reply = Encoding.UTF8.GetBytes(stamp + Encoding.UTF8.GetString(buffer, 0, received));

    // sendto(): a datagram goes whole or not at all.
    socket.SendTo(reply, sender);
    Console.WriteLine($"...received from and returned to: {sender}");
}
