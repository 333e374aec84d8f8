// The tutorials' timestamp client (tsTclnt.py): send each line typed, print the server's answer; stop at an empty
// line or end of input. Usage: Samples.TimestampTcpClient HOST PORT
using System.Globalization;
using System.Net.Sockets;
using System.Text;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Samples.TimestampTcpClient HOST PORT");
    return 2;
}

using var client = new TcpClient();
client.Connect(args[0], int.Parse(args[1], CultureInfo.InvariantCulture));
using var stream = client.GetStream();
using var reader = new StreamReader(stream, Encoding.UTF8);
using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };

while (Console.ReadLine() is { Length: > 0 } line)
{
    writer.WriteLine(line); // Stream.Write sends everything: the sendall() of streams
    var answer = reader.ReadLine();
    if (answer is null)
    {
        Console.Error.WriteLine("the server closed the connection");
        return 1;
    }

    Console.WriteLine(answer);
}

return 0;
