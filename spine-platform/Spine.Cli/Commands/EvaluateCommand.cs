using System.CommandLine;
using System.Text.Json;
using Spine.Evaluation;
using Spine.Analysis.Models;

namespace Spine.Cli.Commands;

/// <summary><c>spine evaluate --dataset DIR --models DIR</c>: the seed paper's results table for a set of models on a labelled dataset.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Labelled dataset: nnU-Net layout (imagesTr, labelsTr) with grades.json.", Required = true };
        var models = ModelsOption.Create();
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for evaluation.json and evaluation.md; without it the Markdown goes to standard output only." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads.", DefaultValueFactory = _ => 2 };
        var command = new Command("evaluate", "Dice per structure, localisation IoU of foramina and facets, weighted kappa, AUROC and confusion matrices of every finding, decision tree beside CNN: the seed paper's table for these models.")
        {
            dataset, models, output, threads,
        };
        command.SetAction(parse =>
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

            EvaluationReport report;
            try
            {
                using var set = ModelSet.Load(parse.GetValue(models)!.FullName, parse.GetValue(threads));
                report = DatasetEvaluation.Run(datasetFolder.FullName, set, (done, total) =>
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

            Console.Write(markdown);
            return ExitCodes.Success;
        });
        return command;
    }
}
