using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spine.Contracts.V1;
using Spine.Evaluation.Formats;
using Spine.Evaluation.Validation;
using Spine.Ingestion;
using Spine.Platform.Storage;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine validate --studies DIR --readings FILE --out OUT</c>: the real pipeline (the six services in this process,
/// as <c>spine analyze</c> runs them) on every study under DIR, scored against the site's radiologists' readings; or,
/// with an RSNA 2024 layout under DIR, against RSNA's labels. Writes validation.json, validation.md and a self-contained
/// validation.html with every discordant finding, and each study's report, overlays and heat maps under studies/.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var studies = new Option<DirectoryInfo>("--studies") { Description = "Folder of studies: one subfolder per study (its name may stand for the study in the readings), or an RSNA 2024 layout.", Required = true };
        var readings = new Option<FileInfo?>("--readings") { Description = "Readings CSV: study,level,finding,grade,reader[,scale] (docs/validation.md). Not needed for an RSNA layout." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where the validation and the studies' reports go.", DefaultValueFactory = _ => new DirectoryInfo("spine-validation") };
        var format = new Option<string>("--format") { Description = "folders, rsna, or auto (recognise the layout).", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "folders", "rsna");
        var adjudicator = new Option<string?>("--adjudicator") { Description = "Reader whose grade breaks a tie between readers (default: the first reader in the file)." };
        var models = ModelsOption.Create();
        var json = new Option<bool>("--json") { Description = "Write validation.json's document to standard output instead of the Markdown tables." };
        var command = new Command("validate", "Run the pipeline on a site's own studies and score it against its radiologists' readings: agreement per finding with confidence intervals, per reader and against their majority, and every discordant finding to review.")
        {
            studies, readings, output, format, adjudicator, models, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(studies)!;
            if (!folder.Exists)
            {
                Console.Error.WriteLine($"spine validate: {folder.FullName}: folder not found.");
                return ExitCodes.Usage;
            }

            var layout = parse.GetValue(format) is "auto" ? (RsnaLayout.Recognise(folder.FullName) ? "rsna" : "folders") : parse.GetValue(format)!;
            var readingsFile = parse.GetValue(readings);
            if (layout == "folders" && readingsFile is null)
            {
                Console.Error.WriteLine("spine validate: --readings FILE is needed for a folder of studies (only an RSNA layout carries its own labels).");
                return ExitCodes.Usage;
            }

            if (ModelsOption.Check("validate", parse.GetValue(models)!) is { } exitCode)
            {
                return exitCode;
            }

            // With --json, standard output holds the JSON document alone; what people read goes to standard error.
            var text = parse.GetValue(json) ? Console.Error : Console.Out;
            text.WriteLine($"{folder.FullName}: {(layout == "rsna" ? "an RSNA 2024 layout" : "a folder of studies")}");
            var (sources, readingSet, notGraded) = layout == "rsna" ? FromRsna(folder.FullName) : FromFolders(folder.FullName, readingsFile!.FullName);
            foreach (var problem in readingSet.Problems)
            {
                Console.Error.WriteLine($"  {problem}");
            }

            var output1 = parse.GetValue(output)!;
            output1.Create();
            var validated = await AnalyseAsync(sources, output1.FullName, parse.GetValue(models)!.FullName, text, cancellationToken);
            var report = ValidationScoring.Score(validated, readingSet, parse.GetValue(adjudicator)) with { NotGraded = notGraded };
            File.WriteAllText(Path.Combine(output1.FullName, "validation.json"), JsonSerializer.Serialize(report, ValidationReportJsonContext.Default.ValidationReport));
            var markdown = ValidationMarkdown.Write(report);
            File.WriteAllText(Path.Combine(output1.FullName, "validation.md"), markdown);
            File.WriteAllText(Path.Combine(output1.FullName, "validation.html"), ValidationHtml.Write(report, output1.FullName));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(report, ValidationReportJsonContext.Default.ValidationReport));
            }
            else
            {
                Console.Write(markdown);
            }

            text.WriteLine($"Written: {Path.Combine(output1.FullName, "validation.html")}");
            return report.StudiesReported > 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>A study folder to analyse under its name, or the reason it cannot be.</summary>
    private sealed record StudySource(string Name, string? Folder, string? Problem);

    private static (IReadOnlyList<StudySource>, ReadingSet, IReadOnlyList<string>?) FromFolders(string folder, string readings)
    {
        var subfolders = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).ToList();
        IReadOnlyList<StudySource> sources = subfolders.Count == 0
            ? [new StudySource(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), folder, null)]
            : [.. subfolders.Select(s => new StudySource(Path.GetFileName(s), s, null))];
        return (sources, ReadingsCsv.Read(readings), null);
    }

    private static (IReadOnlyList<StudySource>, ReadingSet, IReadOnlyList<string>?) FromRsna(string folder)
    {
        var dataset = RsnaLayout.Read(folder);
        return ([.. dataset.Studies.Select(s => new StudySource(s.StudyId, s.SeriesFolder, s.Problem))], dataset.Readings, dataset.NotGraded);
    }

    private static async Task<IReadOnlyList<ValidatedStudy>> AnalyseAsync(IReadOnlyList<StudySource> sources, string output, string models, TextWriter text, CancellationToken cancellationToken)
    {
        var (host, outcomes) = await EmbeddedPipeline.StartAsync(Path.Combine(output, ".spine"), models, cancellationToken);
        using var disposeHost = host;
        var validated = new List<ValidatedStudy>();
        try
        {
            var import = host.Services.GetRequiredService<FolderImport>();
            var started = new List<(StudySource Source, ImportedStudy Study)>();
            foreach (var source in sources)
            {
                if (source.Folder is null)
                {
                    validated.Add(new ValidatedStudy(source.Name, string.Empty, Guid.Empty, null, source.Problem));
                    continue;
                }

                var imported = await import.ImportFolderAsync(source.Folder, cancellationToken);
                if (imported.Studies.Count == 0)
                {
                    validated.Add(new ValidatedStudy(source.Name, string.Empty, Guid.Empty, null, $"no DICOM study in the folder ({imported.RejectedFiles.Count} files skipped)"));
                }

                started.AddRange(imported.Studies.Select(s => (source, s)));
            }

            text.WriteLine($"{started.Count} studies imported; analysing");
            var ids = started.Select(s => s.Study.StudyId).ToList();
            await CommandProgress.RunAsync("studies", ids.Count, async report =>
            {
                await EmbeddedPipeline.WaitAsync(outcomes, ids, TimeSpan.FromMinutes(Math.Max(10, ids.Count)), report, cancellationToken);
                return true;
            }, done => Console.Error.WriteLine($"  {done} of {ids.Count} finished"));
            var store = host.Services.GetRequiredService<IObjectStore>();
            foreach (var (source, study) in started)
            {
                // A folder holding several studies: each is known by its UID; the folder's name stands for the first.
                var name = started.Count(s => s.Source == source) == 1 ? source.Name : $"{source.Name}/{study.StudyInstanceUid}";
                validated.Add(outcomes.GetValueOrDefault(study.StudyId) switch
                {
                    StudyReportPublished published => new ValidatedStudy(name, study.StudyInstanceUid, study.StudyId, published.Report, null,
                        await CopyAsync(store, published, output, cancellationToken)),
                    StudyFailed failed => new ValidatedStudy(name, study.StudyInstanceUid, study.StudyId, null, $"failed in {failed.Stage}: {failed.Code}: {failed.Reason}"),
                    _ => new ValidatedStudy(name, study.StudyInstanceUid, study.StudyId, null, "no result in time"),
                });
            }

            return validated;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The study's report and each finding's overlay and heat map, copied under studies/STUDYID/ for the discordance list to show.</summary>
    private static async Task<IReadOnlyDictionary<string, FindingImages>> CopyAsync(IObjectStore store, StudyReportPublished published, string output, CancellationToken cancellationToken)
    {
        var folder = $"studies/{published.StudyId:N}";
        async Task<string?> Copy(ObjectRef? reference, string name)
        {
            if (reference is null)
            {
                return null;
            }

            var relative = $"{folder}/{name}";
            await StoredFiles.CopyAsync(store, reference, Path.Combine(output, relative), cancellationToken);
            return relative;
        }

        var report = await Copy(published.ReportHtml, "report.html");
        await Copy(published.ReportJson, "report.json");
        var images = new Dictionary<string, FindingImages>(StringComparer.Ordinal);
        foreach (var level in published.Report.Levels)
        {
            foreach (var finding in Enum.GetValues<ReadFinding>())
            {
                var (kind, side) = finding.InReport();
                if (level.Findings.FirstOrDefault(f => f.Kind == kind && f.Side == side)?.Explanation is { } explanation)
                {
                    var stem = $"{level.Level.Name()}-{finding.Name()}";
                    images[ValidatedStudy.ImageKey(level.Level, finding)] = new FindingImages(
                        await Copy(explanation.Overlay, $"{stem}-overlay.png"), await Copy(explanation.HeatMap, $"{stem}-heat-map.png"), report);
                }
            }
        }

        return images;
    }
}
