using System.Runtime.CompilerServices;

namespace Spine.Contracts.Tests;

/// <summary>
/// Golden files live beside the tests. Set SPINE_UPDATE_GOLDEN=1 to rewrite them after an intended change, and
/// review the diff: any change to an existing field is a breaking change for subscribers.
/// </summary>
internal static class GoldenFiles
{
    public static bool Updating => Environment.GetEnvironmentVariable("SPINE_UPDATE_GOLDEN") == "1";

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath));

    public static bool Exists(string relativePath) => File.Exists(Path.Combine(AppContext.BaseDirectory, relativePath));

    /// <summary>
    /// Writes into the source tree (not the build output), so that the change shows in git, and fails the test: a run
    /// that rewrote a golden file has compared nothing, and passes only once rerun without SPINE_UPDATE_GOLDEN.
    /// </summary>
    public static void WriteAndFail(string sourceRelativePath, string text, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, sourceRelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        Assert.Fail($"{sourceRelativePath} was rewritten (SPINE_UPDATE_GOLDEN=1): review the change with git diff, then run the tests again without it.");
    }
}
