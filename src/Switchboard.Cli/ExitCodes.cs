namespace Switchboard.Cli;

/// <summary>Exit codes, as ncat's: 0 success, 1 a network error, 2 any other error (usage, bad argument).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int NetworkError = 1;
    public const int UsageError = 2;
}
