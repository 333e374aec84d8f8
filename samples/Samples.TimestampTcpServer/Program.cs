// The tutorials' timestamp server (tsTserv.py): each line a client sends comes back as "[ctime] line".
// One client at a time, forever, as in the listing. Usage: Samples.TimestampTcpServer [PORT]
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(5);
Console.WriteLine($"listening on tcp://{listener.LocalEndPoint}");

while (true)
{
    Console.WriteLine("waiting for connection...");
    using var client = listener.Accept();
    Console.WriteLine($"...connected from: {client.RemoteEndPoint}");

    // The listing answers each recv(BUFSIZ) chunk, so a line split in two gets two timestamps. Reading lines
    // (Python: conn.makefile()) answers each line once, however TCP cuts it.
    using var stream = new NetworkStream(client);
    using var reader = new StreamReader(stream, Encoding.UTF8);
    using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    try
    {
        while (reader.ReadLine() is { } line)
        {
            var now = DateTime.Now;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}] {line}"));
        }
    }
    catch (IOException e)
    {
        // A client that resets the connection ends its own session, not the server.
        Console.WriteLine($"...client gone: {e.Message}");
    }
}
