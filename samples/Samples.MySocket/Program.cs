// The socket HOWTO's fixed-length MySocket class, done with the framing library: send each message padded to
// 32 bytes to an echo server and receive the same number of whole messages back.
// Usage: Samples.MySocket HOST PORT [MESSAGE]...
using System.Globalization;
using System.Text;
using Samples.MySocket;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Samples.MySocket HOST PORT [MESSAGE]...");
    return 2;
}

string[] messages = args.Length > 2 ? args[2..] : ["first message", "second", "third and last"];
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
await using var socket = await MySocket.ConnectAsync(args[0], int.Parse(args[1], CultureInfo.InvariantCulture), timeout.Token);
foreach (var text in messages)
{
    var message = new byte[MySocket.MessageLength]; // zero padding up to the fixed length
    var length = Encoding.UTF8.GetBytes(text, message);
    await socket.SendAsync(message, timeout.Token);
    Console.WriteLine($"sent {length} bytes padded to {MySocket.MessageLength}");
}

socket.ShutdownSend();
while (await socket.ReceiveAsync(timeout.Token) is { } reply)
{
    Console.WriteLine($"received {Encoding.UTF8.GetString(reply).TrimEnd('\0')}");
}

return 0;
