using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Switchboard.Chat;
using Switchboard.Client;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>
/// The options types' own rules: one set, the tool's as well as a library user's. A value out of range is an
/// <see cref="OptionOutOfRangeException"/> naming the option, in one line; the library's texts name options, never flags.
/// </summary>
public sealed partial class OptionValidationTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheDefaultsAreValid()
    {
        new ServerOptions().Validate();
        new ServiceOptions().Validate();
        new ChatOptions().Validate();
        new ClientOptions().Validate();
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AServerValueOutOfRangeNamesTheOptionInOneLine()
    {
        AssertRefused(() => new ServerOptions { MaxConnections = 0 }.Validate(), "MaxConnections", "MaxConnections must be a positive number, not 0");
        AssertRefused(() => new ServerOptions { MaxConnections = int.MaxValue }.Validate(), "MaxConnections", "MaxConnections must be at most 1,048,576, not 2,147,483,647");
        AssertRefused(() => new ServerOptions { AsyncLoops = ServerOptions.MostAsyncLoops + 1 }.Validate(), "AsyncLoops", "AsyncLoops must be at most 1,024, not 1,025");
        AssertRefused(() => new ServerOptions { IdleTimeout = TimeSpan.FromHours(2000) }.Validate(), "IdleTimeout", "IdleTimeout must be at most 1193h (49.7 days), not 2000h");
        AssertRefused(() => new ServerOptions { DrainTimeout = TimeSpan.FromSeconds(-1) }.Validate(), "DrainTimeout", "DrainTimeout must be 0 or more, not -1s");
        AssertRefused(() => new ServerOptions { DatagramReplyBurst = 0 }.Validate(), "DatagramReplyBurst", "DatagramReplyBurst must be a positive number, not 0");
        AssertRefused(() => new ServerOptions { Transport = { Backlog = 0 } }.Validate(), "Transport.Backlog", "Transport.Backlog must be a positive number, not 0");
        AssertRefused(() => new ServerOptions { Transport = { SendBufferSize = int.MaxValue } }.Validate(), "Transport.SendBufferSize", "Transport.SendBufferSize must be at most 1,073,741,824, not 2,147,483,647");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ServiceChatAndClientValuesOutOfRangeNameTheOption()
    {
        AssertRefused(() => new ServiceOptions { MaxLine = 0 }.Validate(), "MaxLine", "MaxLine must be a positive number, not 0");
        AssertRefused(() => new ServiceOptions { LineFlush = TimeSpan.FromHours(2000) }.Validate(), "LineFlush", "LineFlush must be at most 1193h (49.7 days), not 2000h");
        new ServiceOptions { LineTimeout = Timeout.InfiniteTimeSpan }.Validate(); // off
        AssertRefused(() => new ChatOptions { MaxMembers = 0 }.Validate(), "MaxMembers", "MaxMembers must be a positive number, not 0");
        AssertRefused(() => new ChatOptions { MaxQueuedBytes = int.MaxValue }.Validate(), "MaxQueuedBytes", "MaxQueuedBytes must be at most 1,073,741,824, not 2,147,483,647");
        AssertRefused(() => new ChatOptions { NickTimeout = TimeSpan.FromMilliseconds(-5) }.Validate(), "NickTimeout", "NickTimeout must be 0 or more, not -5ms");
        new ChatOptions { NickTimeout = Timeout.InfiniteTimeSpan }.Validate(); // off
        AssertRefused(() => new ClientOptions { ConnectTimeout = TimeSpan.Zero }.Validate(), "ConnectTimeout", "ConnectTimeout must be more than 0");
        new ClientOptions { ConnectTimeout = Timeout.InfiniteTimeSpan }.Validate(); // waits as long as the kernel does
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheRefusalIsStillAnArgumentOutOfRangeException()
    {
        ArgumentOutOfRangeException error = Assert.Throws<OptionOutOfRangeException>(() => new ServerOptions { MaxConnections = 0 }.Validate());
        Assert.Equal("MaxConnections", error.ParamName);
        Assert.Equal(0, error.ActualValue);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheLibrarysLogLinesNameNoCommandLineFlag()
    {
        var messages = typeof(Server).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>()?.Message)
            .OfType<string>()
            .ToList();

        Assert.True(messages.Count > 20, $"only {messages.Count} log messages found: the scan proves nothing");
        Assert.All(messages, m => Assert.DoesNotMatch(Flag(), m));
        Assert.Contains(messages, m => m.Contains("(MaxConnections)", StringComparison.Ordinal));
    }

    private static void AssertRefused(Action validate, string option, string message)
    {
        var error = Assert.Throws<OptionOutOfRangeException>(validate);
        Assert.Equal(option, error.OptionName);
        Assert.Equal(message, error.Message);
    }

    [GeneratedRegex(@"(^|[\s(])--[a-z]")]
    private static partial Regex Flag();
}
