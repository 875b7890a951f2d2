using System.Text.RegularExpressions;
using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed partial class CommandLineTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Version_prints_the_platform_version()
    {
        await using var spine = await SpineProcess.RunAsync(["--version"], Limit);

        Assert.Equal(0, spine.ExitCode);
        Assert.Matches(SemanticVersion(), spine.StandardOutput.Trim());
    }

    [Fact]
    public async Task Serve_with_an_unknown_service_exits_with_usage_error_naming_it_and_listing_what_it_can_host()
    {
        await using var spine = await SpineProcess.RunAsync(["serve", "--services", "probe,radiology-magic"], Limit);

        Assert.Equal(2, spine.ExitCode);
        Assert.Contains("unknown service 'radiology-magic': it is not a Spine service", spine.StandardError, StringComparison.Ordinal);
        Assert.Contains("probe", spine.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_list_names_every_hostable_service()
    {
        await using var spine = await SpineProcess.RunAsync(["serve", "--list"], Limit);

        Assert.Equal(0, spine.ExitCode);
        Assert.Matches(@"(?m)^\s+probe\s+Deployment probe", spine.StandardOutput);
        foreach (var service in SpineModules.Pipeline.Select(module => module.Name))
        {
            Assert.Matches($@"(?m)^\s+{service}\s+\w", spine.StandardOutput);
        }
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9a-f]+)?$")]
    private static partial Regex SemanticVersion();
}
