// Socket options: read SO_SNDBUF, set SO_REUSEADDR, and show what SO_REUSEADDR is for: binding a port again
// while an earlier connection on it lingers in TIME_WAIT (the classic "Address already in use" on restart).
// Usage: Samples.SocketOptions
using System.Net;
using System.Net.Sockets;

const int SolSocket = 1;   // SOL_SOCKET on Linux
const int SoReuseAddr = 2; // SO_REUSEADDR on Linux

// getsockopt(SOL_SOCKET, SO_SNDBUF)
using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
{
    Console.WriteLine($"SO_SNDBUF = {probe.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.SendBuffer)}");
}

// A server that closes first keeps its side of the connection in TIME_WAIT for a minute.
int port;
using (var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
{
    first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    first.Listen(1);
    port = ((IPEndPoint)first.LocalEndPoint!).Port;
    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    client.Connect(first.LocalEndPoint!);
    using var accepted = first.Accept();
    accepted.Shutdown(SocketShutdown.Both);
    accepted.Close();
    client.Receive(new byte[1]); // the server's FIN has arrived
}

Console.WriteLine($"port {port} now has a connection in TIME_WAIT");

// setsockopt(SOL_SOCKET, SO_REUSEADDR, 1), before bind(), as the Python listing does. (.NET already sets it when it
// binds a TCP socket on Unix, as Kestrel and libuv do.) .NET's SocketOptionName.ReuseAddress would also set
// SO_REUSEPORT on Linux, which lets two live servers share the port, so the plain option is set raw.
using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
second.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
var value = new byte[4];
second.GetRawSocketOption(SolSocket, SoReuseAddr, value);
Console.WriteLine($"SO_REUSEADDR = {BitConverter.ToInt32(value)}");
second.Bind(new IPEndPoint(IPAddress.Loopback, port));
second.Listen(1);
Console.WriteLine($"listening again on tcp://{second.LocalEndPoint}");
