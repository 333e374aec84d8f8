using Switchboard.Endpoints;

namespace Switchboard.Tests.Endpoints;

public sealed class ActivationUriTests
{
    [Theory(Timeout = 5_000)]
    [InlineData("fd://3", 3, null, "fd://3")]
    [InlineData("FD://12", 12, null, "fd://12")]
    [InlineData("systemd:web", null, "web", "systemd:web")]
    [InlineData("systemd:echo.socket", null, "echo.socket", "systemd:echo.socket")]
    [InlineData("systemd:", null, "", "systemd:")]
    public void ActivationUrisParseAndPrintCanonically(string text, int? descriptor, string? name, string canonical)
    {
        Assert.True(ActivationUri.IsActivationUri(text));
        var uri = ActivationUri.Parse(text);
        Assert.Equal(descriptor, uri.Descriptor);
        Assert.Equal(name, uri.Name);
        Assert.Equal(name == "", uri.IsEveryPassedDescriptor);
        Assert.Equal(canonical, uri.ToString());
    }

    [Theory(Timeout = 5_000)]
    [InlineData("fd://", "is not a descriptor number")]
    [InlineData("fd://-1", "is not a descriptor number")]
    [InlineData("fd://three", "is not a descriptor number")]
    [InlineData("systemd://web", "no '//'")]
    [InlineData("systemd:a:b", "is not a descriptor name")]
    [InlineData("systemd:a b", "is not a descriptor name")]
    public void BadActivationUrisAreOneLineNamingThePart(string text, string expected)
    {
        var e = Assert.Throws<EndpointFormatException>(() => ActivationUri.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory(Timeout = 5_000)]
    [InlineData("tcp://127.0.0.1:7")]
    [InlineData("unix:///run/x.sock")]
    [InlineData("fdx://3")]
    public void EndpointUrisAreNotActivationUris(string text) => Assert.False(ActivationUri.IsActivationUri(text));
}
