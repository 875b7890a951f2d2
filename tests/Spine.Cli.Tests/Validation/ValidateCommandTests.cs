using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spine.Phantom;
using Spine.Testing;
using Xunit.Abstractions;

namespace Spine.Cli.Tests.Validation;

/// <summary>
/// <c>spine validate</c> end to end: the real pipeline on phantom studies exported as a site would (one DICOM folder per
/// study) and the three simulated readers' grades as a readings file. The figures must be the ones <c>spine evaluate</c>
/// gives for the same studies read as a dataset (same models, same readers, same majority), and the discordance page
/// must open in a real browser with one entry per discordant finding.
/// </summary>
public sealed partial class ValidateCommandTests(ITestOutputHelper output) : IDisposable
{
    private const int FirstSeed = 940000;
    private const int Studies = 8;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);
    private readonly string _root = Directory.CreateTempSubdirectory("spine-validate-").FullName;

    [Fact]
    [Trait(TestTraits.Category, TestTraits.Integration)]
    public async Task Validating_eight_phantom_studies_against_their_readers_reproduces_spine_evaluate_and_the_discordance_page_opens_in_chromium()
    {
        var set = Path.Combine(_root, "set");
        await using (var written = await SpineProcess.RunAsync(["phantom", "validation-set", "--studies", $"{Studies}", "--seed", $"{FirstSeed}", "--out", set], Limit))
        {
            Assert.True(written.ExitCode == 0, written.StandardError);
        }

        PhantomDataset.Write(Path.Combine(_root, "dataset"), Studies, FirstSeed);
        await using (var evaluated = await SpineProcess.RunAsync(["evaluate", "--dataset", Path.Combine(_root, "dataset"), "--out", Path.Combine(_root, "evaluation")], Limit))
        {
            Assert.True(evaluated.ExitCode == 0, evaluated.StandardError);
        }

        var validation = Path.Combine(_root, "validation");
        await using (var validated = await SpineProcess.RunAsync(["validate", "--studies", Path.Combine(set, "studies"), "--readings", Path.Combine(set, "readings.csv"), "--out", validation], Limit))
        {
            Assert.True(validated.ExitCode == 0, validated.StandardError);
            Assert.Contains("a folder of studies", validated.StandardOutput, StringComparison.Ordinal);
        }

        var evaluation = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "evaluation", "evaluation.json")))!;
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(validation, "validation.json")))!;
        Assert.Equal(Studies, report["studiesReported"]!.GetValue<int>());
        Assert.Equal(["R1", "R2", "R3"], report["readers"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Empty(report["unmatchedReadings"]!.AsArray());
        Assert.Empty(report["studiesWithoutReadings"]!.AsArray());
        foreach (var (group, key) in new[] { ("central_canal", "central_canal_tree"), ("foramen", "foramen"), ("facet", "facet") })
        {
            var validated = report["findings"]!.AsArray().Single(f => f!["group"]!.GetValue<string>() == group)!["againstMajority"]!;
            var expected = evaluation["findings"]!.AsArray().Single(f => f!["key"]!.GetValue<string>() == key)!;
            output.WriteLine($"{group}: kappa {validated["linearWeightedKappa"]} (evaluate {expected["linearWeightedKappa"]}), exact {validated["exactAgreement"]} ({expected["exactAgreement"]})");
            foreach (var figure in new[] { "cases", "linearWeightedKappa", "aurocModerateOrWorse", "exactAgreement", "withinOneGrade", "expectedCalibrationError", "rsnaLogLoss" })
            {
                Assert.True(JsonNode.DeepEquals(expected[figure], validated[figure]), $"{group} {figure}: validate {validated[figure]}, evaluate {expected[figure]}");
            }

            Assert.True(JsonNode.DeepEquals(expected["confusionMatrix"], validated["confusionMatrix"]), $"{group}: confusion matrices differ");
            Assert.True(JsonNode.DeepEquals(expected["readers"]!["readerVsReaderKappa"], validated["readers"]!["readerVsReaderKappa"]), $"{group}: reader-vs-reader kappas differ");
            Assert.True(JsonNode.DeepEquals(expected["readers"]!["modelVsReaderKappa"], validated["readers"]!["modelVsReaderKappa"]), $"{group}: platform-vs-reader kappas differ");
        }

        // The page in a real browser: one entry per discordant finding, each with its overlay and heat map shown.
        var discordances = report["discordances"]!.AsArray().Count;
        var page = new Uri(Path.Combine(validation, "validation.html")).AbsoluteUri;
        var (exitCode, dom) = await ExternalTool.RunAsync(Chromium.Path, [.. Chromium.Headless, "--dump-dom", page], TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, dom);
        Assert.Equal(discordances, DiscordanceSection().Matches(dom).Count);
        Assert.Equal(discordances * 2, EmbeddedImage().Matches(dom).Count);
        var screenshot = Path.Combine(_root, "validation.png");
        (exitCode, var log) = await ExternalTool.RunAsync(Chromium.Path, [.. Chromium.Headless, "--window-size=1280,800", $"--screenshot={screenshot}", page], TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0 && File.Exists(screenshot), log);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await File.ReadAllBytesAsync(screenshot))[..4]);
        output.WriteLine($"{discordances} discordant findings shown");
    }

    [GeneratedRegex("<section class=\"discordance\"")]
    private static partial Regex DiscordanceSection();

    [GeneratedRegex("<img alt=\"[^\"]*\" src=\"data:image/png;base64,")]
    private static partial Regex EmbeddedImage();

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
