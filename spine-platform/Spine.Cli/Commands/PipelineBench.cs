using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spine.Analysis;
using Spine.Analysis.Models;
using Spine.Classification;
using Spine.Contracts.V1;
using Spine.Imaging;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Segmentation;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench pipeline</c>: one 5-level phantom study through the six services in one process (as <c>spine
/// analyze</c> runs them), its wall time from import to report, the share spent inside ONNX Runtime, and the bare sum
/// of the models' inference on the same slices and regions; the platform's overhead is wall time over that sum.
/// </summary>
internal static class PipelineBench
{
    public static Command Create()
    {
        var repeat = new Option<int>("--repeat") { Description = "Studies to time (after one warm-up study); medians are reported.", DefaultValueFactory = _ => 3 };
        var models = ModelsOption.Create();
        var command = new Command("pipeline", "Time one study from import to report in the embedded pipeline against the bare inference time of its models.") { repeat, models };
        command.SetAction((parse, cancellationToken) => ModelsOption.Check("bench pipeline", parse.GetValue(models)!) is { } exitCode
            ? Task.FromResult(exitCode)
            : CommandProgress.BenchAsync("studies", parse.GetValue(repeat) + 1, step => RunAsync(parse.GetValue(repeat), parse.GetValue(models)!.FullName, step, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(int repeat, string models, Action step, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("spine-bench-pipeline-").FullName;
        try
        {
            var start = Stopwatch.GetTimestamp();
            var (host, outcomes) = await EmbeddedPipeline.StartAsync(Path.Combine(work, ".spine"), models, cancellationToken);
            using var disposeHost = host;
            var startup = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var segmenter = host.Services.GetRequiredService<SegmenterHost>();
            var graders = host.Services.GetRequiredService<GraderHost>();
            TimeSpan InsideOnnx() => segmenter.Session.Clock.Elapsed + graders.Models.CentralCanal.Clock.Elapsed + graders.Models.Foramen.Clock.Elapsed + graders.Models.Facet.Clock.Elapsed;
            using var bare = ModelSet.Load(models);
            var rows = new List<(double Wall, double Onnx, double Bare)>();
            for (var run = 0; run <= repeat; run++)
            {
                var study = PhantomGenerator.Generate(new PhantomOptions { Seed = 4040 + run, Distractors = false });
                var folder = Path.Combine(work, $"study{run}");
                PhantomWriter.WriteStudy(study, folder);
                var onnxBefore = InsideOnnx();
                var begin = Stopwatch.GetTimestamp();
                var imported = await host.Services.GetRequiredService<FolderImport>().ImportAsync(Path.Combine(folder, "dicom"), cancellationToken);
                await EmbeddedPipeline.WaitAsync(outcomes, imported.Select(s => s.StudyId).ToList(), TimeSpan.FromMinutes(5), null, cancellationToken);
                var wall = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
                if (outcomes.GetValueOrDefault(imported[0].StudyId) is not StudyReportPublished)
                {
                    await Console.Error.WriteLineAsync("spine bench pipeline: the study did not reach a report.");
                    return ExitCodes.Failure;
                }

                var onnx = (InsideOnnx() - onnxBefore).TotalMilliseconds;
                if (run > 0)
                {
                    rows.Add((wall, onnx, BareInference(study, bare)));
                }

                step();
            }

            static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            var (medianWall, medianOnnx, medianBare) = (Median(rows.Select(r => r.Wall)), Median(rows.Select(r => r.Onnx)), Median(rows.Select(r => r.Bare)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"One 5-level phantom study, import to report, embedded pipeline; median of {repeat} after a warm-up study. Host start and model loading: {startup:0} ms (not included)."));
            Console.WriteLine();
            Console.WriteLine("| measure | ms | ratio to bare inference |");
            Console.WriteLine("| --- | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| wall time, import to StudyReportPublished | {medianWall:0} | {medianWall / medianBare:0.00} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| inside ONNX Runtime during it ({medianOnnx / medianWall:P0} of the wall time) | {medianOnnx:0} | {medianOnnx / medianBare:0.00} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare inference: segmenter on every slice, graders on every region, once | {medianBare:0} | 1.00 |"));
            return ExitCodes.Success;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The models alone on the study's slabs: segmentation of every slice, then the graders on each level's regions.</summary>
    internal static double BareInference(PhantomStudy study, ModelSet models)
    {
        var before = models.Segmenter.Clock.Elapsed + models.CentralCanal.Clock.Elapsed + models.Foramen.Clock.Elapsed + models.Facet.Clock.Elapsed;
        foreach (var slab in study.Slabs)
        {
            var image = Normalization.PercentileScale(slab.Image);
            var labels = models.Segmenter.Segment(Enumerable.Range(0, image.SizeK).Select(k => image.Slice(k).ToArray()).ToList(), image.SizeI, image.SizeJ);
            LevelAnalysis.Analyse(image, labels, models);
        }

        return (models.Segmenter.Clock.Elapsed + models.CentralCanal.Clock.Elapsed + models.Foramen.Clock.Elapsed + models.Facet.Clock.Elapsed - before).TotalMilliseconds;
    }
}
