using Spine.Testing;

namespace Spine.Cli.Tests.Readme;

public sealed class ReadmeSetupTests
{
    [Fact]
    public void Readme_sets_up_in_two_commands_the_demo_then_the_tests()
    {
        var commands = ReadmeSetup.Commands();

        Assert.Equal(2, commands.Count);
        Assert.Contains(" demo", commands[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Ci_runs_exactly_the_readme_second_setup_command()
    {
        var ci = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, ".ci", "run"))
            .Select(line => line.Trim())
            .Last(line => line.Length > 0 && !line.StartsWith('#'));

        Assert.Equal($"exec {ReadmeSetup.Commands()[1]}", ci);
    }

    [Fact]
    public void Set_up_commands_are_read_without_their_comments_and_only_from_the_set_up_section()
    {
        const string readme = "# T\n\n## Other\n\n```sh\nnot this\n```\n\n## Set-up (a machine)\n\nText.\n\n```sh\nfirst --x   # says what\n\nsecond arg # more\n```\n\n```sh\nlater block\n```\n";

        Assert.Equal(["first --x", "second arg"], ReadmeSetup.Commands(readme));
    }
}
