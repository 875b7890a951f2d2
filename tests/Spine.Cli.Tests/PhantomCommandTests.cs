using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed class PhantomCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spine-phantom-").FullName;

    /// <summary>Seeds name datasets (training and test sets) in the model cards: a seed must give the same study in every process.</summary>
    [Theory]
    [InlineData("2.0", "standard")]
    [InlineData("2.0", "hard")]
    [InlineData("1.1", "standard")]
    public async Task A_seed_gives_byte_identical_studies_from_two_separate_processes(string version, string profile)
    {
        foreach (var run in new[] { "first", "second" })
        {
            await using var spine = await SpineProcess.RunAsync(
                ["phantom", "study", "--seed", "424242", "--version", version, "--profile", profile, "--out", Path.Combine(_root, run)], TimeSpan.FromMinutes(2));
            Assert.True(spine.ExitCode == 0, spine.StandardError);
        }

        var first = Files(Path.Combine(_root, "first"));
        var second = Files(Path.Combine(_root, "second"));
        Assert.True(first.Count > 20, $"only {first.Count} files written");
        Assert.Equal(first.Keys, second.Keys);
        Assert.All(first, file => Assert.True(file.Value.SequenceEqual(second[file.Key]), $"{file.Key} differs between the two runs"));
    }

    private static SortedDictionary<string, byte[]> Files(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(path => Path.GetRelativePath(folder, path), File.ReadAllBytes), StringComparer.Ordinal);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
