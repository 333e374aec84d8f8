// The tutorials' UDP timestamp client (tsUclnt.py): each line typed is one datagram; print the answer.
// Usage: Samples.TimestampUdpClient HOST PORT
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Samples.TimestampUdpClient HOST PORT");
    return 2;
}

// A name may have several addresses, and UDP cannot try them the way connect() does: take an address literal
// as given, else the name's first IPv4 address (the sample servers bind IPv4).
var address = IPAddress.TryParse(args[0], out var literal)
    ? literal
    : Dns.GetHostAddresses(args[0]).First(a => a.AddressFamily == AddressFamily.InterNetwork);
var server = new IPEndPoint(address, int.Parse(args[1], CultureInfo.InvariantCulture));
using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

// UDP loses datagrams: without a timeout, recvfrom() would wait forever for an answer that never comes.
socket.ReceiveTimeout = 5000;
var buffer = new byte[65_507];
while (Console.ReadLine() is { Length: > 0 } line)
{
    socket.SendTo(Encoding.UTF8.GetBytes(line), server);
    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
    try
    {
        var received = socket.ReceiveFrom(buffer, ref from);
        Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, received));
    }
    catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
    {
        Console.Error.WriteLine("no answer within 5 s");
        return 1;
    }
}

return 0;
