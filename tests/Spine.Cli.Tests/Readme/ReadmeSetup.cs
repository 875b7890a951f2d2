using System.Text.RegularExpressions;
using Spine.Testing;

namespace Spine.Cli.Tests.Readme;

/// <summary>
/// The README's set-up block read as text: the commands of the first <c>sh</c> block under the "Set-up" heading, each
/// without its trailing comment. The README is the contract, so the tests run what it says, not a copy of it.
/// </summary>
internal static partial class ReadmeSetup
{
    public static IReadOnlyList<string> Commands(string readme)
    {
        var section = SetUpSection().Match(readme);
        if (!section.Success)
        {
            throw new InvalidDataException("README.md has no \"## Set-up\" section with a ```sh block.");
        }

        return section.Groups["block"].Value
            .Split('\n')
            .Select(line => TrailingComment().Replace(line, string.Empty).Trim())
            .Where(line => line.Length > 0)
            .ToList();
    }

    public static IReadOnlyList<string> Commands() => Commands(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md")));

    [GeneratedRegex(@"^## Set-up\b[^\n]*\n(?:(?!^## )[\s\S])*?^```sh\n(?<block>[\s\S]*?)^```", RegexOptions.Multiline)]
    private static partial Regex SetUpSection();

    // A comment starts at a '#' that follows white space (commands here hold no quoted '#').
    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex TrailingComment();
}
