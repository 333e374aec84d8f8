// The select tutorials' echo server: one thread, non-blocking sockets, select() over the listener and every
// client; what a client sends is queued and written back when its socket is writable.
// Usage: Samples.SelectServer [PORT]
using System.Globalization;
using System.Net;
using System.Net.Sockets;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
server.Blocking = false; // setblocking(False)
server.Bind(new IPEndPoint(IPAddress.Loopback, port));
server.Listen(5);
Console.WriteLine($"listening on tcp://{server.LocalEndPoint}");

var inputs = new List<Socket> { server };
var pending = new Dictionary<Socket, Queue<byte[]>>();
var buffer = new byte[1024];
while (true)
{
    // select() rewrites the lists it is given to the ready sockets, like Python's return values: pass copies.
    // .NET uses poll(2) here, so there is no FD_SETSIZE (1,024) ceiling.
    var readable = new List<Socket>(inputs);
    var writable = pending.Where(p => p.Value.Count > 0).Select(p => p.Key).ToList();
    Socket.Select(readable, writable.Count > 0 ? writable : null, null, -1);

    foreach (var socket in readable)
    {
        if (socket == server)
        {
            var client = server.Accept();
            client.Blocking = false;
            inputs.Add(client);
            pending[client] = new Queue<byte[]>();
            Console.WriteLine($"new connection from {client.RemoteEndPoint}");
            continue;
        }

        int received;
        try
        {
            received = socket.Receive(buffer);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            received = 0;
        }

        if (received == 0)
        {
            // Readable with nothing to read means the peer closed (recv() returned b"").
            Console.WriteLine($"closing {socket.RemoteEndPoint}");
            inputs.Remove(socket);
            pending.Remove(socket);
            writable.Remove(socket);
            socket.Dispose();
            continue;
        }

        pending[socket].Enqueue(buffer[..received]);
    }

    foreach (var socket in writable)
    {
        if (!pending.TryGetValue(socket, out var queue) || queue.Count == 0)
        {
            continue;
        }

        // A non-blocking send takes what fits; keep the rest for the next time the socket is writable.
        var data = queue.Peek();
        var sent = socket.Send(data, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            continue;
        }

        queue.Dequeue();
        if (sent < data.Length)
        {
            var rest = new Queue<byte[]>([data[sent..], .. queue]);
            pending[socket] = rest;
        }
    }
}
