namespace Spine.Cli.Commands;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work ran and did not succeed (a study failed, a benchmark could not finish).</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (a missing folder, an unknown service).</summary>
    public const int Usage = 2;

    /// <summary>The command could not start: a setting is invalid, or the models are missing or damaged.</summary>
    public const int Configuration = 3;
}
