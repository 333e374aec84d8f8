using System.Net;
using System.Text.Json;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>switchboard resolve</c> as a process, against this machine's resolver and /etc/services.</summary>
public sealed class ResolveCommandTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ANameResolvesToItsAddressesWithFamilyAndCanonicalName()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "resolve", "localhost");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("canonical name: localhost", lines[0]);
        Assert.Contains("IPv4  127.0.0.1", lines);
        var expected = (await Dns.GetHostAddressesAsync("localhost", TestContext.Current.CancellationToken)).Distinct().Count();
        Assert.Equal(expected, lines.Count(l => l.StartsWith("IPv", StringComparison.Ordinal)));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AnAddressResolvesBackToItsName()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "resolve", "127.0.0.1");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("name: localhost\n", run.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task WithAServiceEachAddressGetsItsSocketTypesAndPort()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "resolve", "-4", "localhost", "--service", "domain");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("IPv4  127.0.0.1  stream tcp 53\n", run.Text, StringComparison.Ordinal);
        Assert.Contains("IPv4  127.0.0.1  dgram udp 53\n", run.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AServiceNameGivesItsPortAndAPortItsService()
    {
        var byName = await CliProcess.RunRawAsync([], RunLimit, "resolve", "--service", "www");
        var byPort = await CliProcess.RunRawAsync([], RunLimit, "resolve", "--port", "22");

        Assert.Equal(0, byName.ExitCode);
        Assert.StartsWith("http  80/tcp", byName.Text, StringComparison.Ordinal);
        Assert.Equal(0, byPort.ExitCode);
        Assert.StartsWith("ssh  22/tcp", byPort.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task WithoutANameItGivesThisHostsNameAndFqdn()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "resolve");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"host name: {Dns.GetHostName()}\nfqdn: ", run.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task JsonOutputParsesAndCarriesTheSameFacts()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "resolve", "localhost", "--port", "7", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("localhost", root.GetProperty("query").GetString());
        Assert.Equal("forward", root.GetProperty("kind").GetString());
        Assert.Equal("localhost", root.GetProperty("canonicalName").GetString());
        var addresses = root.GetProperty("addresses").EnumerateArray().ToList();
        Assert.Contains(addresses, a =>
            a.GetProperty("address").GetString() == "127.0.0.1" && a.GetProperty("family").GetString() == "ipv4"
            && a.GetProperty("socketType").GetString() == "stream" && a.GetProperty("protocol").GetString() == "tcp"
            && a.GetProperty("port").GetInt32() == 7);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task JsonForAServiceListsItsEntries()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "resolve", "--service", "domain", "--json");

        using var json = JsonDocument.Parse(run.Stdout);
        var services = json.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.Contains(services, s => s.GetProperty("port").GetInt32() == 53 && s.GetProperty("protocol").GetString() == "udp");
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("no-such-host.invalid", "no-such-host.invalid: name not found")]
    [InlineData("--service no-such-service", "service 'no-such-service' not found in /etc/services")]
    [InlineData("localhost --service no-such-service", "service 'no-such-service' not found in /etc/services")]
    [InlineData("192.0.2.1", "192.0.2.1: no name for this address")]
    public async Task WhatDoesNotResolveIsOneLineAndExitOne(string arguments, string message)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, ["resolve", .. arguments.Split(' ')]);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("switchboard: " + message, line, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("localhost -4 -6")]
    [InlineData("--service http --port 80")]
    [InlineData("--port 70000")]
    public async Task BadUsageIsExitTwo(string arguments)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, ["resolve", .. arguments.Split(' ')]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("switchboard: ", run.Stderr, StringComparison.Ordinal);
    }
}
