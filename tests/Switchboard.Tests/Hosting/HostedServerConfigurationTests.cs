using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Chat;
using Switchboard.Hosting;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Hosting;

/// <summary>
/// A hosted server's <c>Tls:…</c>, <c>Chat:…</c> and <c>Transport:DatagramBatchSize</c> keys: served as configured,
/// and each bad one a start failure of one line naming its key.
/// </summary>
public sealed class HostedServerConfigurationTests : IDisposable
{
    private const string Section = "Switchboard:Servers:s";
    private readonly TempDirectory _dir = new();
    private readonly X509Certificate2 _authority = TestCertificates.CreateAuthority();

    public void Dispose()
    {
        _authority.Dispose();
        _dir.Dispose();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.ToDictionary(p => $"{Section}:{p.Key}", p => p.Value));
        builder.Services.AddSwitchboard().AddServer("s");
        return builder.Build();
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AServerServesTlsWithTheCertificateFilesItsConfigurationNames()
    {
        using var leaf = TestCertificates.CreateLeaf(_authority);
        var (cert, key) = TestCertificates.WritePem(leaf, _dir, "server");
        using var host = Build(new()
        {
            ["Service"] = "echo",
            ["Listen:0"] = "tls://127.0.0.1:0",
            ["Tls:CertificatePath"] = cert,
            ["Tls:KeyPath"] = key,
            ["Tls:ApplicationProtocols:0"] = "switchboard",
            ["Tls:HandshakeTimeout"] = "5s",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var server = host.Services.GetRequiredService<SwitchboardServers>()["s"].Server!;

        using (var client = await TlsTestClient.ConnectAsync(server.Listeners[0].Endpoint, leaf, alpn: ["switchboard"]))
        {
            Assert.Equal("switchboard", client.Stream.NegotiatedApplicationProtocol.ToString());
            Assert.Equal(leaf.Thumbprint, client.Stream.RemoteCertificate!.GetCertHashString());
            await client.SendAsync("over tls\n"u8.ToArray());
            Assert.Equal("over tls\n"u8.ToArray(), await client.ReadExactlyAsync(9));
        }

        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheChatTakesItsOptionsFromTheChatSection()
    {
        using var host = Build(new()
        {
            ["Service"] = "chat",
            ["Listen:0"] = "tcp://127.0.0.1:0",
            ["Chat:ServerName"] = "Configured",
            ["Chat:NickTimeout"] = "0",
            ["Chat:BehindPolicy"] = "disconnect",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var server = host.Services.GetRequiredService<SwitchboardServers>()["s"].Server!;

        using var socket = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var greeting = Encoding.ASCII.GetString(await socket.ReadExactlyAsync("*** Welcome to Configured chat".Length));
        Assert.Equal("*** Welcome to Configured chat", greeting);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheBinderReadsTheChatTlsAndBatchKeysAndWritesThemBackWithoutThePassword()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["S:Transport:DatagramBatchSize"] = "8",
            ["S:Chat:MaxMembers"] = "12",
            ["S:Chat:WriteDeadline"] = "0",
            ["S:Chat:SoftQueueGrace"] = "1500ms",
            ["S:Tls:CertificatePath"] = "/srv/c.pem",
            ["S:Tls:Password"] = "hunter2",
            ["S:Tls:ApplicationProtocols"] = "h2,http/1.1",
        }).Build().GetSection("S");
        var server = new ServerOptions();
        var chat = new ChatOptions();
        ServerOptionsBinder.Bind(section, server);
        ServerOptionsBinder.BindTls(section, server);
        ServerOptionsBinder.Bind(section, chat);

        Assert.Equal(8, server.Transport.DatagramBatchSize);
        Assert.Equal(12, chat.MaxMembers);
        Assert.Equal(Timeout.InfiniteTimeSpan, chat.WriteDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), chat.SoftQueueGrace);
        Assert.Equal("/srv/c.pem", server.Tls!.CertificatePath);
        Assert.Equal("hunter2", server.Tls.Password);
        Assert.Equal(["h2", "http/1.1"], server.Tls.ApplicationProtocols);

        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            ServerOptionsBinder.Write(json, server, null, chat);
            json.WriteEndObject();
        }

        var written = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("\"DatagramBatchSize\":8", written, StringComparison.Ordinal);
        Assert.Contains("\"MaxMembers\":12", written, StringComparison.Ordinal);
        Assert.Contains("\"WriteDeadline\":\"0\"", written, StringComparison.Ordinal);
        Assert.Contains("\"SoftQueueGrace\":\"1500ms\"", written, StringComparison.Ordinal);
        Assert.Contains("\"CertificatePath\":\"/srv/c.pem\"", written, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", written, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", written, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("Tls:CertificatePath", "{dir}/absent.pem", "Tls:CertificatePath 'ABSENT': no such file")]
    [InlineData("Tls:SelfSigned", "true", "Tls:SelfSigned and Switchboard:Servers:s:Tls:CertificatePath are both set")]
    [InlineData("Tls:Password", "wrong", "Tls:CertificatePath cannot load the TLS certificate")]
    [InlineData("Tls:HandshakeTimeout", "0", "Tls:HandshakeTimeout must be more than 0")]
    [InlineData("Tls:ClientCertificateAuthorityPath", "{key}", "Tls:ClientCertificateAuthorityPath")]
    [InlineData("Tls:Colour", "blue", "Tls:Colour is not a TLS option")]
    [InlineData("Chat:MaxLineRate", "-1", "Chat:MaxLineRate")]
    [InlineData("Chat:BehindPolicy", "drop", "Chat:BehindPolicy 'drop': not one of skip, disconnect")]
    [InlineData("Chat:DefaultRoom", "no spaces allowed", "Chat:DefaultRoom")]
    [InlineData("Chat:Colour", "blue", "Chat:Colour is not a chat option")]
    [InlineData("Transport:DatagramBatchSize", "0", "Transport:DatagramBatchSize")]
    public async Task ABadTlsChatOrBatchKeyFailsStartWithOneLineNamingIt(string key, string value, string expected)
    {
        using var leaf = TestCertificates.CreateLeaf(_authority);
        var (cert, keyFile) = TestCertificates.WritePem(leaf, _dir, "server");
        var settings = new Dictionary<string, string?>
        {
            ["Service"] = "chat",
            ["Listen:0"] = "tls://127.0.0.1:0",
            ["Tls:CertificatePath"] = cert,
            ["Tls:KeyPath"] = keyFile,
        };
        settings[key] = value.Replace("{dir}", _dir.Path, StringComparison.Ordinal).Replace("{key}", keyFile, StringComparison.Ordinal);
        if (key == "Tls:Password")
        {
            // A password for a key that has none: the PEM load fails.
            settings["Tls:KeyPath"] = keyFile;
        }

        using var host = Build(settings);

        var error = await Assert.ThrowsAsync<SwitchboardConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith($"{Section}:{key.Split(':')[0]}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected.Replace("ABSENT", Path.Combine(_dir.Path, "absent.pem"), StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("tls://127.0.0.1:0", false, "Switchboard:Servers:s:Tls is missing")]
    [InlineData("tcp://127.0.0.1:0", true, "Switchboard:Servers:s:Tls is set, but no Listen endpoint is tls://")]
    public async Task TlsAndTheListenersMustAgree(string listen, bool withTls, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Service"] = "echo", ["Listen:0"] = listen };
        if (withTls)
        {
            settings["Tls:SelfSigned"] = "true";
        }

        using var host = Build(settings);

        var error = await Assert.ThrowsAsync<SwitchboardConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
