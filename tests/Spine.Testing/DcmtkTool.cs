namespace Spine.Testing;

/// <summary>A dcmtk command-line tool (Debian's package) run to completion, its output captured.</summary>
public static class DcmtkTool
{
    public static Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ExternalTool.RunAsync(tool, arguments, timeout);
}
