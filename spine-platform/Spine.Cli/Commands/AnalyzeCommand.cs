using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Classification;
using Spine.Contracts.V1;
using Spine.Explanation;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Hosting;
using Spine.Platform.Storage;
using Spine.Preprocessing;
using Spine.Reporting;
using Spine.Segmentation;

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
        var models = new Option<DirectoryInfo>("--models") { Description = "Models folder.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var command = new Command("analyze", "Analyse every study in a folder with all six services in this process; write each report as JSON and HTML.") { folder, output, models };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(folder)!, parse.GetValue(output)!, parse.GetValue(models)!, cancellationToken));
        return command;
    }

    public static Command CreateDemo()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Where the phantom study and its report go.", DefaultValueFactory = _ => new DirectoryInfo("spine-demo") };
        var seed = new Option<int>("--seed") { Description = "Seed of the phantom study.", DefaultValueFactory = _ => 20261128 };
        var models = new Option<DirectoryInfo>("--models") { Description = "Models folder.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var command = new Command("demo", "Generate a synthetic phantom study (no patient data) and analyse it end to end.") { output, seed, models };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(output)!;
            var study = Path.Combine(root.FullName, "phantom-study");
            Console.WriteLine($"Generating a synthetic lumbar study (seed {parse.GetValue(seed)}) in {study}");
            PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = parse.GetValue(seed) }), study);
            return await RunAsync(new DirectoryInfo(Path.Combine(study, "dicom")), root, parse.GetValue(models)!, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo folder, DirectoryInfo output, DirectoryInfo models, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            Console.Error.WriteLine($"spine analyze: {folder.FullName}: folder not found.");
            return ExitCodes.Usage;
        }

        output.Create();
        var data = Path.Combine(output.FullName, ".spine");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(data, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
            ["Spine:Models:Root"] = models.FullName,
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        var outcomes = new ConcurrentDictionary<Guid, object>();
        builder.Services.AddSingleton(outcomes);
        SpineServiceModule[] modules =
        [
            IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module, ClassificationModule.Module, ExplanationModule.Module, ReportingModule.Module,
            new("analyze", "spine analyze's own listener", bus =>
            {
                bus.AddConsumer<OutcomeListener<StudyReportPublished>>();
                bus.AddConsumer<OutcomeListener<StudyFailed>>();
            }),
        ];
        builder.AddSpinePlatform(modules, "spine-analyze");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var studies = await host.Services.GetRequiredService<FolderImport>().ImportAsync(folder.FullName, cancellationToken);
            Console.WriteLine($"{studies.Count} stud{(studies.Count == 1 ? "y" : "ies")} imported; {studies.FirstOrDefault()?.RejectedFiles.Count ?? 0} files skipped");
            var deadline = DateTime.UtcNow.AddMinutes(10);
            var shown = 0;
            while (studies.Any(s => !outcomes.ContainsKey(s.StudyId)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
                if (outcomes.Count > shown)
                {
                    shown = outcomes.Count;
                    Console.WriteLine($"  {shown} of {studies.Count} finished");
                }
            }

            var failures = 0;
            foreach (var study in studies)
            {
                switch (outcomes.GetValueOrDefault(study.StudyId))
                {
                    case StudyReportPublished published:
                        await CopyAsync(host.Services.GetRequiredService<IObjectStore>(), published, output.FullName, cancellationToken);
                        PrintSummary(published.Report, output.FullName);
                        break;
                    case StudyFailed failed:
                        failures++;
                        Console.WriteLine($"Study {study.StudyId} failed in {failed.Stage}: {failed.Code}: {failed.Reason}");
                        break;
                    default:
                        failures++;
                        Console.WriteLine($"Study {study.StudyId}: no result within 10 minutes.");
                        break;
                }
            }

            foreach (var rejected in studies.FirstOrDefault()?.RejectedFiles ?? [])
            {
                Console.WriteLine($"  skipped {rejected.Name}: {rejected.Reason}");
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
            var target = Path.Combine(output, $"{published.StudyId:N}", name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var source = await store.OpenReadAsync(reference, cancellationToken);
            await using var file = File.Create(target);
            await source.CopyToAsync(file, cancellationToken);
        }
    }

    private static void PrintSummary(StudyReport report, string output)
    {
        Console.WriteLine();
        Console.WriteLine($"Study {report.StudyId}: {report.Disclaimer}");
        Console.WriteLine("level    central canal   left foramen   right foramen  left facet     right facet");
        foreach (var level in report.Levels)
        {
            string Cell(FindingKind kind, Side side) => level.Findings.FirstOrDefault(f => f.Kind == kind && f.Side == side) is { } f
                ? string.Create(CultureInfo.InvariantCulture, $"{GradeNames[f.Grade]} {f.SignificantProbability:0.00}")
                : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{level.Level.ToString().Insert(2, "-"),-8} {Cell(FindingKind.CentralCanalStenosis, Side.None),-15} {Cell(FindingKind.ForaminalStenosis, Side.Left),-14} {Cell(FindingKind.ForaminalStenosis, Side.Right),-14} {Cell(FindingKind.FacetArthropathy, Side.Left),-14} {Cell(FindingKind.FacetArthropathy, Side.Right)}{(level.LevelUncertain ? "  (level uncertain)" : string.Empty)}"));
        }

        Console.WriteLine("(grade and P(moderate or worse) per finding)");
        Console.WriteLine($"Report: {Path.Combine(output, $"{report.StudyId:N}", "report.html")}");
    }

    private sealed class OutcomeListener<T>(ConcurrentDictionary<Guid, object> outcomes) : IConsumer<T>
        where T : class, IStudyMessage
    {
        public Task Consume(ConsumeContext<T> context)
        {
            outcomes.TryAdd(context.Message.StudyId, context.Message);
            return Task.CompletedTask;
        }
    }
}
