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

    /// <summary>Writes into the source tree (not the build output), so that the change shows in git.</summary>
    public static void Write(string sourceRelativePath, string text, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, sourceRelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
