using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Switchboard.Chat;
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
    public Option<string?> File { get; } = new("--config") { Description = "JSON file whose \"Switchboard\" section holds options by the library's names (Listen, Model, MaxConnections, IdleTimeout, Transport:Backlog, MaxLine, Tls:CertificatePath, Chat:MaxMembers …); SWITCHBOARD__NAME environment variables override it, flags override both [default: none]" };

    public Option<bool> Print { get; } = new("--print-config") { Description = "Print the merged options (file, environment, flags) as JSON and exit [default: false]" };

    public IEnumerable<Option> All => [File, Print];

    /// <summary>
    /// The file's and the environment's options, checked: an error names its key (<c>Switchboard:MaxConnections</c>).
    /// The TLS settings are checked later, with the listeners and the flags (<see cref="ServerOptionsBinder.ValidateTls"/>).
    /// </summary>
    public ConfiguredOptions Read(ParseResult parse)
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
        ServerOptionsBinder.ThrowOnUnknownKeys(section, "Servers", "Service");
        var server = new ServerOptions();
        var services = new ServiceOptions();
        var chat = new ChatOptions();
        ServerOptionsBinder.Bind(section, server);
        ServerOptionsBinder.Bind(section, services);
        ServerOptionsBinder.Bind(section, chat);
        var withTls = new ServerOptions();
        ServerOptionsBinder.BindTls(section, withTls);

        // The values alone here: which listeners (and so whether TLS is needed) is known once the flags are in.
        var listen = server.Listen.ToList();
        server.Listen.Clear();
        ServerOptionsBinder.Validate(section, server, services, chat);
        foreach (var endpoint in listen)
        {
            server.Listen.Add(endpoint);
        }

        return new ConfiguredOptions(server, services, chat, withTls.Tls, section);
    }

    /// <summary>The merged options as a <c>--config</c> file would hold them (never a TLS password; the chat's for the chat only).</summary>
    public static string Format(string service, ServerOptions server, ServiceOptions services, ChatOptions? chat)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Switchboard");
            json.WriteString("Service", service);
            ServerOptionsBinder.Write(json, server, services, chat);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
