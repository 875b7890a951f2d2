using Spine.Testing;

namespace Spine.Cli.Tests.Readme;

/// <summary>
/// A fresh <c>git clone</c> of the commit under test in a temporary folder, not the working tree: exactly what a new
/// user has, with nothing beside it and nothing built.
/// </summary>
public sealed class FreshClone : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Directory.CreateTempSubdirectory("spine-clone-").FullName, "spine-platform");

    /// <summary>
    /// The environment a user's shell has: what this test host inherited from <c>dotnet test</c> and MSBuild (which
    /// would steer a nested build) and any Spine setting are removed.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> UserEnvironment { get; } =
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Spine__", StringComparison.Ordinal) || name is "DOTNET_HOST_PATH")
            .ToDictionary(name => name, _ => (string?)null);

    public async Task InitializeAsync()
    {
        var head = (await GitAsync(RepositoryLayout.Root, "rev-parse", "HEAD")).Trim();
        await GitAsync(Path.GetDirectoryName(Root)!, "clone", "--quiet", "--no-checkout", RepositoryLayout.Root, Root);
        await GitAsync(Root, "checkout", "--quiet", head);
    }

    /// <summary>Runs a command line with bash in <paramref name="folder"/> as a user would type it.</summary>
    public static Task<(int ExitCode, string Output)> ShellAsync(string commandLine, string folder, TimeSpan timeout) =>
        ExternalTool.RunAsync("bash", ["-c", commandLine], timeout, folder, UserEnvironment);

    public Task DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<string> GitAsync(string folder, params string[] arguments)
    {
        var (exitCode, output) = await ExternalTool.RunAsync("git", ["-C", folder, .. arguments]);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {folder} (the README test clones the repository, so it needs git and a checkout with its history): {output}");
    }
}
