using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Storage;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine analyze DIR --out OUT</c> and <c>spine demo</c>: the six services in one process (in-memory transport,
/// filesystem store and SQLite ledger under OUT), a folder imported, every study followed to its report or its
/// failure, the reports copied to OUT and a summary table printed.
/// </summary>
internal static class AnalyzeCommand
{
    private static readonly string[] GradeNames = ["normal", "mild", "moderate", "severe"];

    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Folder of DICOM files (searched recursively); other files are listed and skipped." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where reports (and the embedded store and ledger, under .spine) go.", DefaultValueFactory = _ => new DirectoryInfo("spine-out") };
        var models = ModelsOption.Create();
        var json = new Option<bool>("--json") { Description = "Write one JSON document (each study's outcome, report files and findings) to standard output instead of the tables." };
        var command = new Command("analyze", "Analyse every study in a folder with all six services in this process; write each report as JSON and HTML.") { folder, output, models, json };
        command.SetAction((parse, cancellationToken) => ModelsOption.Check("analyze", parse.GetValue(models)!) is { } exitCode
            ? Task.FromResult(exitCode)
            : RunAsync(parse.GetValue(folder)!, parse.GetValue(output)!, parse.GetValue(models)!, cancellationToken, parse.GetValue(json)));
        return command;
    }

    public static Command CreateDemo()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Where the phantom study and its report go.", DefaultValueFactory = _ => new DirectoryInfo("spine-demo") };
        var seed = new Option<int>("--seed") { Description = "Seed of the phantom study.", DefaultValueFactory = _ => 20261128 };
        var models = ModelsOption.Create();
        var command = new Command("demo", "Generate a synthetic phantom study (no patient data) and analyse it end to end.") { output, seed, models };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ModelsOption.Check("demo", parse.GetValue(models)!) is { } exitCode)
            {
                return exitCode;
            }

            var root = parse.GetValue(output)!;
            var study = Path.Combine(root.FullName, "phantom-study");
            Console.WriteLine($"Generating a synthetic lumbar study (seed {parse.GetValue(seed)}) in {study}");
            PhantomWriter.WriteStudy(PhantomGenerator.Generate(PhantomOptions.Demo(parse.GetValue(seed))), study);
            return await RunAsync(new DirectoryInfo(Path.Combine(study, "dicom")), root, parse.GetValue(models)!, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo folder, DirectoryInfo output, DirectoryInfo models, CancellationToken cancellationToken, bool json = false)
    {
        // With --json, standard output holds the JSON document alone; what people read goes to standard error.
        var text = json ? Console.Error : Console.Out;
        if (!folder.Exists)
        {
            Console.Error.WriteLine($"spine analyze: {folder.FullName}: folder not found.");
            return ExitCodes.Usage;
        }

        output.Create();
        var (host, outcomes) = await EmbeddedPipeline.StartAsync(Path.Combine(output.FullName, ".spine"), models.FullName, cancellationToken);
        using var disposeHost = host;
        try
        {
            var imported = await host.Services.GetRequiredService<FolderImport>().ImportFolderAsync(folder.FullName, cancellationToken);
            var studies = imported.Studies;
            text.WriteLine($"{studies.Count} stud{(studies.Count == 1 ? "y" : "ies")} imported; {imported.RejectedFiles.Count} files skipped");
            await CommandProgress.RunAsync("studies", studies.Count, async report =>
            {
                await EmbeddedPipeline.WaitAsync(outcomes, studies.Select(s => s.StudyId).ToList(), TimeSpan.FromMinutes(10), report, cancellationToken);
                return true;
            }, done => text.WriteLine($"  {done} of {studies.Count} finished"), quiet: json);

            var failures = 0;
            var results = new JsonArray();
            foreach (var study in studies)
            {
                var result = new JsonObject { ["studyId"] = study.StudyId.ToString() };
                results.Add(result);
                switch (outcomes.GetValueOrDefault(study.StudyId))
                {
                    case StudyReportPublished published:
                        await CopyAsync(host.Services.GetRequiredService<IObjectStore>(), published, output.FullName, cancellationToken);
                        result["status"] = "reported";
                        result["reportJson"] = Path.Combine(output.FullName, $"{published.StudyId:N}", "report.json");
                        result["reportHtml"] = Path.Combine(output.FullName, $"{published.StudyId:N}", "report.html");
                        result["report"] = JsonSerializer.SerializeToNode(published.Report, SpineContractsJsonContext.Default.StudyReport);
                        if (!json)
                        {
                            PrintSummary(published.Report, output.FullName);
                        }

                        break;
                    case StudyFailed failed:
                        failures++;
                        (result["status"], result["stage"], result["code"], result["reason"]) = ("failed", failed.Stage.ToString().ToLowerInvariant(), failed.Code, failed.Reason);
                        text.WriteLine($"Study {study.StudyId} failed in {failed.Stage}: {failed.Code}: {failed.Reason}");
                        break;
                    default:
                        failures++;
                        (result["status"], result["reason"]) = ("timed-out", "no result within 10 minutes");
                        text.WriteLine($"Study {study.StudyId}: no result within 10 minutes.");
                        break;
                }
            }

            foreach (var rejected in imported.RejectedFiles)
            {
                text.WriteLine($"  skipped {rejected.Name}: {rejected.Reason}");
            }

            if (json)
            {
                var skipped = new JsonArray([.. imported.RejectedFiles.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["reason"] = r.Reason })]);
                Console.Out.WriteLine(new JsonObject { ["studies"] = results, ["skippedFiles"] = skipped }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }

            return failures == 0 && studies.Count > 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task CopyAsync(IObjectStore store, StudyReportPublished published, string output, CancellationToken cancellationToken)
    {
        foreach (var (reference, name) in new[] { (published.ReportJson, "report.json"), (published.ReportHtml, "report.html") })
        {
            await StoredFiles.CopyAsync(store, reference, Path.Combine(output, $"{published.StudyId:N}", name), cancellationToken);
        }
    }

    private static void PrintSummary(StudyReport report, string output)
    {
        Console.WriteLine();
        Console.WriteLine($"Study {report.StudyId}: {report.Disclaimer}");
        Console.WriteLine("level    central canal   left foramen   right foramen  left facet     right facet");
        foreach (var level in report.Levels)
        {
            if (level.NotAssessableReason is { } reason)
            {
                Console.WriteLine($"{level.Level.Name(),-8} not assessable: {reason}{(level.LevelUncertain ? "  (level uncertain)" : string.Empty)}");
                continue;
            }

            string Cell(FindingKind kind, Side side) => level.Findings.FirstOrDefault(f => f.Kind == kind && f.Side == side) is { } f
                ? string.Create(CultureInfo.InvariantCulture, $"{GradeNames[f.Grade]} {f.SignificantProbability:0.00}")
                : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{level.Level.Name(),-8} {Cell(FindingKind.CentralCanalStenosis, Side.None),-15} {Cell(FindingKind.ForaminalStenosis, Side.Left),-14} {Cell(FindingKind.ForaminalStenosis, Side.Right),-14} {Cell(FindingKind.FacetArthropathy, Side.Left),-14} {Cell(FindingKind.FacetArthropathy, Side.Right)}{(level.LevelUncertain ? "  (level uncertain)" : string.Empty)}"));
        }

        Console.WriteLine("(grade and P(moderate or worse) per finding)");
        foreach (var series in (report.Series ?? []).Where(s => !s.Used))
        {
            Console.WriteLine($"Series {series.SeriesNumber?.ToString(CultureInfo.InvariantCulture) ?? "?"} '{series.Description}' turned away: {series.Reason}");
        }

        Console.WriteLine($"Report: {Path.Combine(output, $"{report.StudyId:N}", "report.html")}");
    }
}
