using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Spine.Analysis.Models;

namespace Spine.Evaluation;

/// <summary>What <c>spine evaluate</c> reports on a dataset with label maps and no grades: Dice per structure.</summary>
public sealed record SegmentationReport
{
    public required string Dataset { get; init; }
    public required string Format { get; init; }
    public required int Cases { get; init; }
    public required int Slices { get; init; }
    public required IReadOnlyList<string> Models { get; init; }
    public required IReadOnlyDictionary<string, double> DiceMeanPerCase { get; init; }
    public required IReadOnlyDictionary<string, Interval> DiceIntervals { get; init; }
    public required IReadOnlyDictionary<string, double> DicePooled { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }
    public required int BootstrapReplicates { get; init; }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SegmentationReport))]
public sealed partial class SegmentationReportJsonContext : JsonSerializerContext;

/// <summary>The segmenter on every case of a dataset in the nnU-Net layout, as the pipeline runs it, scored by Dice against the label maps.</summary>
public static class SegmentationEvaluation
{
    /// <param name="studyOf">The study a case belongs to (the bootstrap's unit).</param>
    public static SegmentationReport Run(string datasetFolder, IReadOnlyList<string> cases, Func<string, string> studyOf, ModelSet models, string format, IReadOnlyList<string> problems, int replicates = Bootstrap.DefaultReplicates)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(studyOf);
        ArgumentNullException.ThrowIfNull(models);
        var dice = new DiceTally(models.SegmenterModel.Manifest.Output!.Labels);
        var studies = new Dictionary<string, int>(StringComparer.Ordinal);
        var slices = 0;
        foreach (var name in cases)
        {
            var (image, truth, _) = DatasetSlabs.Read(datasetFolder, name, models.SegmenterModel.Manifest.Input!.SpacingMm);
            var predicted = models.Segmenter.Segment([.. Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray())], image.SizeI, image.SizeJ);
            var study = studyOf(name);
            dice.Add(studies.TryGetValue(study, out var index) ? index : studies[study] = studies.Count, truth, predicted);
            slices += image.SizeK;
        }

        return new SegmentationReport
        {
            Dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(datasetFolder)),
            Format = format,
            Cases = cases.Count,
            Slices = slices,
            Models = [$"{models.SegmenterModel.Manifest.Name} {models.SegmenterModel.Manifest.Version}"],
            DiceMeanPerCase = dice.MeanPerCase,
            DiceIntervals = dice.Intervals(replicates),
            DicePooled = dice.Pooled,
            Problems = problems,
            BootstrapReplicates = replicates,
        };
    }

    public static string Markdown(SegmentationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Segmentation on {report.Dataset} ({report.Format} layout)\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{report.Cases} cases, {report.Slices} slices. Model: {string.Join(", ", report.Models)}. Brackets: 95 % bootstrap intervals over studies ({report.BootstrapReplicates} replicates).\n\n");
        md.Append("| structure | Dice, mean per case | Dice, pooled pixels |\n| --- | ---: | ---: |\n");
        foreach (var (structure, value) in report.DiceMeanPerCase)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {structure.Replace('_', ' ')} | {Figures.WithInterval(value, report.DiceIntervals.GetValueOrDefault(structure))} | {Figures.Format(report.DicePooled[structure])} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## Files that could not be used ({report.Problems.Count})\n\n");
        md.Append(report.Problems.Count == 0 ? "None.\n" : string.Concat(report.Problems.Select(p => $"- {p}\n")));
        return md.ToString();
    }
}
