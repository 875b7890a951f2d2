using System.Diagnostics;

namespace Spine.Testing;

/// <summary>A dcmtk command-line tool (Debian's package) run to completion, its output captured.</summary>
public static class DcmtkTool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start (is dcmtk installed?).");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in time:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}
