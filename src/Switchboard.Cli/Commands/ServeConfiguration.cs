using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Switchboard.Cli.Parsing;
using Switchboard.Hosting;
using Switchboard.Services;
using Switchboard.Serving;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>serve --config FILE</c> and <c>--print-config</c>: the <c>Switchboard</c> section of a JSON file, then the
/// environment (<c>SWITCHBOARD__MAXCONNECTIONS=…</c>), read by the hosting package's binder, so the keys are the
/// library's option names as for <c>Switchboard:Servers:NAME</c> in a host. Flags given on the command line win.
/// </summary>
internal sealed class ServeConfiguration
{
    public Option<string?> File { get; } = new("--config") { Description = "JSON file whose \"Switchboard\" section holds options by the library's names (Listen, Model, MaxConnections, IdleTimeout, Transport:Backlog, MaxLine …); SWITCHBOARD__NAME environment variables override it, flags override both [default: none]" };

    public Option<bool> Print { get; } = new("--print-config") { Description = "Print the merged options (file, environment, flags) as JSON and exit [default: false]" };

    public IEnumerable<Option> All => [File, Print];

    /// <summary>The file's and the environment's options, checked: an error names its key (<c>Switchboard:MaxConnections</c>).</summary>
    public (ServerOptions Server, ServiceOptions Services, bool Listens) Read(ParseResult parse)
    {
        var builder = new ConfigurationBuilder();
        if (parse.GetValue(File) is { } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables();
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or JsonException)
        {
            throw new UsageException($"--config: {e.Message.ReplaceLineEndings(" ")}");
        }

        var section = root.GetSection("Switchboard");
        // Not an option, but a section hosts use: SWITCHBOARD__SERVERS__… belongs to a host, not to serve.
        ServerOptionsBinder.ThrowOnUnknownKeys(section, "Servers");
        var server = new ServerOptions();
        var services = new ServiceOptions();
        ServerOptionsBinder.Bind(section, server);
        ServerOptionsBinder.Bind(section, services);
        ServerOptionsBinder.Validate(section, server, services);
        var listens = section.GetSection(nameof(ServerOptions.Listen)) is { } listen && (listen.Value is not null || listen.GetChildren().Any());
        return (server, services, listens);
    }

    /// <summary>The merged options as a <c>--config</c> file would hold them.</summary>
    public static string Format(string service, ServerOptions server, ServiceOptions services)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Switchboard");
            json.WriteString("Service", service);
            json.WriteStartArray(nameof(ServerOptions.Listen));
            foreach (var endpoint in server.Listen.Select(e => e.ToString()).Concat(server.InheritedListeners.Select(a => a.ToString())))
            {
                json.WriteStringValue(endpoint);
            }

            json.WriteEndArray();
            json.WriteString(nameof(ServerOptions.Model), server.Model.ToString().ToLowerInvariant());
            json.WriteNumber(nameof(ServerOptions.AsyncLoops), server.AsyncLoops);
            json.WriteNumber(nameof(ServerOptions.MaxConnections), server.MaxConnections);
            json.WriteNumber(nameof(ServerOptions.MaxConnectionsPerAddress), server.MaxConnectionsPerAddress);
            json.WriteString(nameof(ServerOptions.IdleTimeout), Duration(server.IdleTimeout));
            json.WriteString(nameof(ServerOptions.DrainTimeout), Duration(server.DrainTimeout));
            json.WriteNumber(nameof(ServerOptions.DatagramReplyRate), server.DatagramReplyRate);
            json.WriteNumber(nameof(ServerOptions.DatagramReplyBurst), server.DatagramReplyBurst);
            json.WriteBoolean(nameof(ServerOptions.DatagramReplyLimitLoopback), server.DatagramReplyLimitLoopback);
            json.WriteStartObject(nameof(ServerOptions.Transport));
            json.WriteBoolean(nameof(server.Transport.NoDelay), server.Transport.NoDelay);
            json.WriteBoolean(nameof(server.Transport.KeepAlive), server.Transport.KeepAlive);
            json.WriteBoolean(nameof(server.Transport.ReuseAddress), server.Transport.ReuseAddress);
            json.WriteNumber(nameof(server.Transport.Backlog), server.Transport.Backlog);
            json.WriteEndObject();
            json.WriteNumber(nameof(ServiceOptions.MaxLine), services.MaxLine);
            json.WriteString(nameof(ServiceOptions.LineFlush), Duration(services.LineFlush));
            json.WriteString(nameof(ServiceOptions.LineTimeout), Duration(services.LineTimeout));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Duration(TimeSpan value) => DurationParser.Format(value == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : value);
}
