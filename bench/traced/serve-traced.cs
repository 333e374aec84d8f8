#:project ../../src/Switchboard/Switchboard.csproj
#:property PublishAot=false

// An echo server on the library with an ActivityListener on the Switchboard source or without one: what
// docs/performance.md "Connection activities" measures with `switchboard bench connections` and `bench echo`.
// Usage: dotnet run -c Release bench/traced/serve-traced.cs -- tcp://127.0.0.1:0 [--listener] [--model async]
using System.Diagnostics;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;

var listen = EndpointUri.Parse(args.Length > 0 ? args[0] : "tcp://127.0.0.1:0");
var listening = args.Contains("--listener");
var model = args.SkipWhile(a => a != "--model").Skip(1).FirstOrDefault() ?? "async";
long stopped = 0;
using var listener = new ActivityListener
{
    ShouldListenTo = source => source.Name == "Switchboard",
    // AllData: every tag is set, the most a real exporter's sampler could ask for.
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    ActivityStopped = _ => Interlocked.Increment(ref stopped),
};
if (listening)
{
    ActivitySource.AddActivityListener(listener);
}

var options = new ServerOptions { ServiceName = "echo", Model = Enum.Parse<ConcurrencyModel>(model, ignoreCase: true), MaxConnections = 20000 };
options.Listen.Add(listen);
await using var server = new Server(options, new EchoService(), null);
server.Start();
Console.WriteLine($"listening on {server.Listeners[0].Endpoint} (activity listener: {(listening ? "on" : "off")})");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
// The count, once a second: the proof that the listener saw the connections (the last line before SIGTERM).
using var report = new Timer(_ => Console.WriteLine($"activities stopped: {Interlocked.Read(ref stopped)}"), null, 1000, 1000);
await server.RunAsync(stop.Token);
