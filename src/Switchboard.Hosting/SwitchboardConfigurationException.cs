namespace Switchboard.Hosting;

/// <summary>
/// A configuration value no server can run with, or a key no option has. The message is one line that starts with
/// the full configuration key, e.g. <c>Switchboard:Servers:echo:MaxConnections must be a positive number, not 0</c>.
/// </summary>
public sealed class SwitchboardConfigurationException : Exception
{
    /// <summary>Creates the exception for <paramref name="key"/>; <paramref name="problem"/> says what is wrong with it.</summary>
    public SwitchboardConfigurationException(string key, string problem, Exception? innerException = null)
        : base($"{key} {problem}", innerException)
    {
        Key = key;
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public SwitchboardConfigurationException(string message) : base(message)
    {
        Key = "";
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public SwitchboardConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
        Key = "";
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SwitchboardConfigurationException() : this("a Switchboard configuration value is invalid")
    {
    }

    /// <summary>The configuration key at fault, e.g. <c>Switchboard:Servers:echo:MaxConnections</c>; empty if not known.</summary>
    public string Key { get; }
}
