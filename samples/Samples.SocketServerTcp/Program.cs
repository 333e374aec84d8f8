// The socketserver docs' TCP server: a handler class answers each line with the line in upper case. Here the
// handler is a Switchboard IStreamHandler, and the server's concurrency model plays the mix-in's part:
// sequential = TCPServer, threads = ThreadingMixIn, select and async = one thread or the pool for all clients.
// Usage: Samples.SocketServerTcp [ENDPOINT] [MODEL]   (default tcp://127.0.0.1:0 async; Ctrl-C stops)
using Samples.SocketServerTcp;
using Switchboard.Endpoints;
using Switchboard.Serving;

var options = new ServerOptions
{
    Model = args.Length > 1 ? Enum.Parse<ConcurrencyModel>(args[1], ignoreCase: true) : ConcurrencyModel.Async,
};
options.Listen.Add(EndpointUri.Parse(args.Length > 0 ? args[0] : "tcp://127.0.0.1:0"));

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var server = new Server(options, new UpperCaseHandler(), datagramHandler: null);
server.Start(); // server_bind() + server_activate()
foreach (var listener in server.Listeners)
{
    Console.WriteLine($"listening on {listener.Endpoint}");
}

await server.RunAsync(stop.Token); // serve_forever(); Ctrl-C is shutdown()
