using Switchboard.Cli.Resolve;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli.Resolve;

public sealed class ServicesFileTests
{
    private const string Sample = """
        # Network services, Internet style
        tcpmux		1/tcp				# TCP port service multiplexer
        echo		7/tcp
        echo		7/udp
        http		80/tcp		www		# WorldWideWeb HTTP
        kerberos	88/tcp		kerberos5 krb5 kerberos-sec	# Kerberos v5
        broken-no-slash	99
        broken-port	70000/tcp
        broken-proto	71/
        	
        sctp-only	9/sctp
        windows-line	8080/tcp	http-alt
        """;

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ParsesNamesPortsProtocolsAndAliasesSkippingCommentsAndBrokenLines()
    {
        var file = ServicesFile.Parse(Sample.Replace("8080/tcp\thttp-alt", "8080/tcp\thttp-alt\r", StringComparison.Ordinal));

        Assert.Equal(["tcpmux", "echo", "echo", "http", "kerberos", "sctp-only", "windows-line"], file.Entries.Select(e => e.Name));
        Assert.Equal(new ServiceEntry("kerberos", 88, "tcp", ["kerberos5", "krb5", "kerberos-sec"]), file.Entries[4], EntryComparer.Instance);
        Assert.Equal(["http-alt"], file.Entries[6].Aliases);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void FindsAServiceByNameOrAliasInAnyCase()
    {
        var file = ServicesFile.Parse(Sample);

        Assert.Equal([80], file.ByName("www").Select(e => e.Port));
        Assert.Equal([80], file.ByName("HTTP").Select(e => e.Port));
        Assert.Equal(["tcp", "udp"], file.ByName("echo").Select(e => e.Protocol));
        Assert.Equal(["udp"], file.ByName("echo", "udp").Select(e => e.Protocol));
        Assert.Empty(file.ByName("gopher"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void FindsAServiceByPort()
    {
        var file = ServicesFile.Parse(Sample);

        Assert.Equal(["http"], file.ByPort(80).Select(e => e.Name));
        Assert.Equal(["sctp-only"], file.ByPort(9).Select(e => e.Name));
        Assert.Empty(file.ByPort(9, "tcp"));
        Assert.Empty(file.ByPort(70000 % 65536));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ReadsTheSystemFile()
    {
        var file = ServicesFile.Load();

        Assert.NotNull(file); // Debian's netbase provides it; .ci/run installs it
        Assert.Contains(file.ByName("ssh"), e => e.Port == 22 && e.Protocol == "tcp");
        Assert.Contains(file.ByPort(53), e => e.Name == "domain");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AMissingFileIsNull()
    {
        using var dir = new TempDirectory();
        Assert.Null(ServicesFile.Load(dir.File("services")));
    }

    private sealed class EntryComparer : IEqualityComparer<ServiceEntry>
    {
        public static readonly EntryComparer Instance = new();

        public bool Equals(ServiceEntry? x, ServiceEntry? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Port == y.Port && x.Protocol == y.Protocol && x.Aliases.SequenceEqual(y.Aliases);

        public int GetHashCode(ServiceEntry obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
