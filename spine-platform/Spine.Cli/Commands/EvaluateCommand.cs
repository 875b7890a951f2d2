using System.CommandLine;
using System.Text.Json;
using Spine.Analysis.Models;
using Spine.Evaluation;
using Spine.Evaluation.Formats;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine evaluate --dataset DIR --models DIR</c>: the seed paper's results table for a set of models on a labelled
/// dataset; a Sudirman-layout dataset (label images, no grades) gives Dice per structure, and an RSNA 2024 layout (grades,
/// no label maps) is scored through the pipeline as <c>spine validate</c> does.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Labelled dataset: the phantom's (nnU-Net layout with grades.json), Sudirman et al.'s (images/, labels/) or RSNA 2024's (train.csv, train_images/).", Required = true };
        var format = new Option<string>("--format") { Description = "phantom, sudirman, rsna, or auto (recognise the layout).", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "phantom", "sudirman", "rsna");
        var models = ModelsOption.Create();
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for evaluation.json and evaluation.md; without it the Markdown goes to standard output only." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads.", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Write evaluation.json's document to standard output instead of the Markdown (the phantom's layout)." };
        var command = new Command("evaluate", "Dice per structure, localisation IoU of foramina and facets, weighted kappa, AUROC and confusion matrices of every finding, decision tree beside CNN: the seed paper's table for these models.")
        {
            dataset, format, models, output, threads, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var datasetFolder = parse.GetValue(dataset)!;
            if (!datasetFolder.Exists)
            {
                Console.Error.WriteLine($"spine evaluate: {datasetFolder.FullName}: dataset folder not found.");
                return ExitCodes.Usage;
            }

            if (ModelsOption.Check("evaluate", parse.GetValue(models)!) is { } exitCode)
            {
                return exitCode;
            }

            var layout = parse.GetValue(format) is "auto" ? Recognise(datasetFolder.FullName) : parse.GetValue(format);
            Console.Error.WriteLine($"{datasetFolder.FullName}: {layout switch { "phantom" => "the phantom's layout (nnU-Net with grades.json)", "sudirman" => "the Sudirman layout (label images: Dice only)", "rsna" => "an RSNA 2024 layout (grades only: scored through the pipeline, as spine validate does)", _ => "no layout recognised" }}");
            switch (layout)
            {
                case null:
                    Console.Error.WriteLine($"spine evaluate: {datasetFolder.FullName}: not a dataset: expected grades.json (the phantom's), {RsnaLayout.Grades} with {RsnaLayout.SeriesDescriptions} (RSNA 2024) or {SudirmanLayout.Images}/ with {SudirmanLayout.LabelImages}/ (Sudirman et al.).");
                    return ExitCodes.Usage;
                case "rsna":
                    string[] arguments = ["validate", "--studies", datasetFolder.FullName, "--format", "rsna", "--models", parse.GetValue(models)!.FullName, .. parse.GetValue(output) is { } o ? new[] { "--out", o.FullName } : []];
                    return await new RootCommand { ValidateCommand.Create() }.Parse(arguments).InvokeAsync(cancellationToken: cancellationToken);
                case "sudirman":
                    return Segmentation(datasetFolder.FullName, parse.GetValue(models)!.FullName, parse.GetValue(threads), parse.GetValue(output));
            }

            EvaluationReport report;
            try
            {
                using var set = ModelSet.Load(parse.GetValue(models)!.FullName, parse.GetValue(threads));
                report = CommandProgress.Run("levels", progress => DatasetEvaluation.Run(datasetFolder.FullName, set, progress), (done, total) =>
                {
                    if (done % 25 == 0 || done == total)
                    {
                        Console.Error.WriteLine($"evaluated {done} of {total} levels");
                    }
                });
            }
            catch (Exception ex) when (ex is ModelFolderException or FileNotFoundException or InvalidDataException)
            {
                Console.Error.WriteLine($"spine evaluate: {ex.Message}");
                return ExitCodes.Failure;
            }

            var markdown = EvaluationMarkdown.Write(report);
            if (parse.GetValue(output) is { } folder)
            {
                folder.Create();
                File.WriteAllText(Path.Combine(folder.FullName, "evaluation.json"), JsonSerializer.Serialize(report, EvaluationReportJsonContext.Default.EvaluationReport));
                File.WriteAllText(Path.Combine(folder.FullName, "evaluation.md"), markdown);
            }

            Console.Write(parse.GetValue(json) ? JsonSerializer.Serialize(report, EvaluationReportJsonContext.Default.EvaluationReport) + Environment.NewLine : markdown);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string? Recognise(string folder) =>
        File.Exists(Path.Combine(folder, "grades.json")) ? "phantom"
        : RsnaLayout.Recognise(folder) ? "rsna"
        : SudirmanLayout.Recognise(folder) ? "sudirman"
        : null;

    private static int Segmentation(string folder, string models, int threads, DirectoryInfo? output)
    {
        var converted = Directory.CreateTempSubdirectory("spine-evaluate-sudirman-").FullName;
        try
        {
            using var set = ModelSet.Load(models, threads);
            var dataset = SudirmanLayout.Convert(folder, converted, set.SegmenterModel.Manifest.Output!.Labels);
            foreach (var problem in dataset.Problems)
            {
                Console.Error.WriteLine($"  {problem}");
            }

            var report = SegmentationEvaluation.Run(converted, dataset.Cases, name => name[..name.LastIndexOf('_')], set, "sudirman", [.. dataset.Problems.Select(p => p.ToString())]);
            var markdown = SegmentationEvaluation.Markdown(report);
            if (output is not null)
            {
                output.Create();
                File.WriteAllText(Path.Combine(output.FullName, "segmentation.json"), JsonSerializer.Serialize(report, SegmentationReportJsonContext.Default.SegmentationReport));
                File.WriteAllText(Path.Combine(output.FullName, "segmentation.md"), markdown);
            }

            Console.Write(markdown);
            return dataset.Cases.Count > 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (ModelFolderException ex)
        {
            Console.Error.WriteLine($"spine evaluate: {ex.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            Directory.Delete(converted, recursive: true);
        }
    }
}
