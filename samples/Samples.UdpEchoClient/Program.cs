// A UDP echo client: send one datagram, wait (with a timeout: UDP may lose it) for the echo, print it.
// Usage: Samples.UdpEchoClient HOST PORT [MESSAGE]
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Samples.UdpEchoClient HOST PORT [MESSAGE]");
    return 2;
}

// A name may have several addresses, and UDP cannot try them the way connect() does: take an address literal
// as given, else the name's first IPv4 address (the sample servers bind IPv4).
var address = IPAddress.TryParse(args[0], out var literal)
    ? literal
    : Dns.GetHostAddresses(args[0]).First(a => a.AddressFamily == AddressFamily.InterNetwork);
var server = new IPEndPoint(address, int.Parse(args[1], CultureInfo.InvariantCulture));
var message = Encoding.UTF8.GetBytes(args.Length > 2 ? args[2] : "This is the message. It will be repeated.");
using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

// connect() on UDP sends no packet: it fixes the peer, so Send/Receive need no address and datagrams from
// anyone else are dropped by the kernel.
socket.Connect(server);
socket.Send(message);
var buffer = new byte[65_507];
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
try
{
    var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
    Console.WriteLine($"received {Encoding.UTF8.GetString(buffer, 0, received)}");
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("no echo within 5 s");
    return 1;
}
catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
{
    // A connected UDP socket learns of the ICMP "port unreachable" as a refused receive.
    Console.Error.WriteLine($"nothing listens on {server}");
    return 1;
}
