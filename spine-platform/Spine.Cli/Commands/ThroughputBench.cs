using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spine.Analysis.Models;
using Spine.Cli.Resilience;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Ledger;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench throughput</c>: N phantom studies submitted at once, to the six services in one process and (with
/// <c>--mode distributed</c> or <c>both</c>) as six processes on RabbitMQ, an S3 server and PostgreSQL; studies per hour, latency from
/// receipt to report, each stage's time per study (working, and waiting before it), and the ceiling the models alone
/// set on this machine (3,600 / their bare inference seconds per study) with the fraction of it achieved.
/// </summary>
internal static class ThroughputBench
{
    private const string WarmUp = "warm-up";

    private static OnnxDevice SegmenterDevice =>
        string.Equals(Environment.GetEnvironmentVariable("Spine__Models__ExecutionProvider"), "Cuda", StringComparison.OrdinalIgnoreCase) ? OnnxDevice.Cuda : OnnxDevice.Cpu;

    private sealed record Run(string Mode, int Submitted, IReadOnlyList<StudyTimeline> Timelines, TimeSpan Wall);

    public static Command Create()
    {
        var studies = new Option<int>("--studies") { Description = "Phantom studies submitted at once.", DefaultValueFactory = _ => 20 };
        var concurrency = new Option<int>("--concurrency") { Description = "Messages each service's consumers work on at once (Spine:Bus:DefaultConcurrencyLimit).", DefaultValueFactory = _ => 2 };
        var mode = new Option<string>("--mode") { Description = "embedded (the six services in one process), distributed (six processes on RabbitMQ, S3 and PostgreSQL: the servers below) or both, side by side.", DefaultValueFactory = _ => "embedded" };
        mode.AcceptOnlyFromAmong("embedded", "distributed", "both");
        var models = ModelsOption.Create();
        var servers = new FleetServerOptions("SPINE_TEST_RABBITMQ_URL", "SPINE_TEST_RABBITMQ_MANAGEMENT_URL", string.Empty);
        var command = new Command("throughput", "Studies per hour, latency percentiles and time per stage with N studies submitted at once, embedded and as six processes, against the ceiling the models alone set.")
        {
            studies, concurrency, mode, models,
        };
        servers.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ModelsOption.Check("bench throughput", parse.GetValue(models)!) is { } refused)
            {
                return refused;
            }

            var (embedded, distributed) = (parse.GetValue(mode) != "distributed", parse.GetValue(mode) != "embedded");
            FleetServers? fleet = null;
            if (distributed && (fleet = servers.Resolve(parse, "bench throughput")) is null)
            {
                return ExitCodes.Usage;
            }

            var (count, limit) = (Math.Max(1, parse.GetValue(studies)), Math.Max(1, parse.GetValue(concurrency)));
            var steps = count + 1 + (count * ((embedded ? 1 : 0) + (distributed ? 1 : 0)));
            return await CommandProgress.BenchAsync("studies written, measured, reported", steps, step =>
                RunAsync(count, limit, parse.GetValue(models)!.FullName, embedded, fleet, step, cancellationToken));
        });
        return command;
    }

    /// <param name="servers">The servers of the six processes; null: no distributed run.</param>
    private static async Task<int> RunAsync(int count, int concurrency, string models, bool embedded, FleetServers? servers, Action step, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("spine-bench-throughput-").FullName;
        try
        {
            var written = new List<PhantomStudy>();
            for (var i = 0; i < count; i++)
            {
                var study = PhantomGenerator.Generate(new PhantomOptions { Seed = 505000 + i, Distractors = false });
                PhantomWriter.WriteStudy(study, Path.Combine(root, "studies", $"s{i:000}"));
                if (i < 3)
                {
                    written.Add(study);
                }

                step();
            }

            // One more study for each mode to run first, untimed: the first run of each model and code path pays for
            // loading and compiling. A study of its own, since a study sent again is answered as a repeat.
            PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 504999, Distractors = false }), Path.Combine(root, WarmUp));

            // The models alone on the first studies, as the pipeline's services load them (2 intra-op threads, the
            // segmenter on the device Spine__Models__ExecutionProvider names, as the segmentation service reads it).
            double bare;
            using (var set = ModelSet.Load(models, segmenterDevice: SegmenterDevice))
            {
                PipelineBench.BareInference(written[0], set); // warm-up
                bare = written.Select(study => PipelineBench.BareInference(study, set)).Order().ElementAt(written.Count / 2) / 1000;
            }

            step();
            var runs = new List<Run>();
            if (embedded)
            {
                runs.Add(await EmbeddedAsync(root, count, concurrency, models, step, cancellationToken));
            }

            if (servers is not null)
            {
                runs.Add(await DistributedAsync(root, count, concurrency, models, servers, step, cancellationToken));
            }

            Print(count, concurrency, bare, written.Count, runs);
            return runs.All(r => r.Timelines.Count(t => t.Reported is not null) == r.Submitted) ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<Run> EmbeddedAsync(string root, int count, int concurrency, string models, Action step, CancellationToken cancellationToken)
    {
        var (host, outcomes) = await EmbeddedPipeline.StartAsync(Path.Combine(root, ".spine"), models, cancellationToken,
            new Dictionary<string, string?> { ["Spine:Bus:DefaultConcurrencyLimit"] = concurrency.ToString(CultureInfo.InvariantCulture) });
        using var disposeHost = host;
        var import = host.Services.GetRequiredService<FolderImport>();

        var warm = await import.ImportAsync(Path.Combine(root, WarmUp, "dicom"), cancellationToken);
        await EmbeddedPipeline.WaitAsync(outcomes, [.. warm.Select(s => s.StudyId)], TimeSpan.FromMinutes(5), null, cancellationToken);

        var clock = Stopwatch.StartNew();
        var studies = await SubmitAsync(count, async i => (await import.ImportAsync(Path.Combine(root, "studies", $"s{i:000}", "dicom"), cancellationToken)).Select(s => s.StudyId), cancellationToken);
        var shown = 0;
        await EmbeddedPipeline.WaitAsync(outcomes, studies, TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30 * count), done =>
        {
            for (; shown < done; shown++)
            {
                step();
            }
        }, cancellationToken);
        var wall = clock.Elapsed;

        var ledger = host.Services.GetRequiredService<IStudyLedger>();
        var timelines = new List<StudyTimeline>();
        foreach (var id in studies)
        {
            if (await ledger.FindAsync(id, cancellationToken) is { } record)
            {
                timelines.Add(StudyTimeline.Of(record.CreatedAt, record.Transitions.Select(t => (t.Stage, t.Outcome, t.At))));
            }
        }

        return new Run("embedded (one process)", studies.Count, timelines, wall);
    }

    private static async Task<Run> DistributedAsync(string root, int count, int concurrency, string models, FleetServers servers, Action step, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using var fleet = await ServiceFleet.StartAsync(servers.Fleet("throughput", run, models, root,
            environment: new Dictionary<string, string> { ["Spine__Bus__DefaultConcurrencyLimit"] = concurrency.ToString(CultureInfo.InvariantCulture) }));
        await fleet.WaitForOutcomeAsync((await fleet.ImportAsync($"{WarmUp}/dicom")).Single(), TimeSpan.FromMinutes(5));

        var clock = Stopwatch.StartNew();
        var studies = await SubmitAsync(count, async i => await fleet.ImportAsync($"studies/s{i:000}/dicom"), cancellationToken);
        var details = new List<JsonNode>();
        foreach (var id in studies)
        {
            details.Add(await fleet.WaitForOutcomeAsync(id, TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30 * count)));
            step();
        }

        var wall = clock.Elapsed;
        var timelines = details.Select(detail => StudyTimeline.Of(
            detail["study"]!["createdAt"]!.GetValue<DateTimeOffset>(),
            detail["transitions"]!.AsArray().Select(t => (
                Enum.Parse<PipelineStage>(t!["stage"]!.GetValue<string>()),
                Enum.Parse<StageOutcome>(t["outcome"]!.GetValue<string>()),
                t["at"]!.GetValue<DateTimeOffset>())))).ToList();
        return new Run("six processes (RabbitMQ, S3, PostgreSQL)", studies.Count, timelines, wall);
    }

    /// <summary>Submits every study at once (eight imports in flight, as senders would overlap); returns their StudyIds.</summary>
    private static async Task<IReadOnlyList<Guid>> SubmitAsync(int count, Func<int, Task<IEnumerable<Guid>>> submit, CancellationToken cancellationToken)
    {
        var studies = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, _) =>
        {
            foreach (var id in await submit(i))
            {
                studies.Add(id);
            }
        });
        return [.. studies];
    }

    private static void Print(int count, int concurrency, double bareSeconds, int bareStudies, IReadOnlyList<Run> runs)
    {
        var ceiling = 3600 / bareSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} phantom studies (phantom 2.0, standard profile) submitted at once after an untimed warm-up study; each service's consumers take {concurrency} messages at a time; {Environment.ProcessorCount} processors, segmenter on the {SegmenterDevice}. The models alone: {bareSeconds:0.00} s of inference per study (segmenter on every slice, graders on every region; median of {bareStudies} studies), a ceiling of {ceiling:0} studies per hour."));
        Console.WriteLine();
        Console.WriteLine("| mode | studies reported | wall (s) | studies per hour | fraction of the models-alone ceiling | latency p50 (s) | p95 (s) | max (s) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in runs)
        {
            var latencies = run.Timelines.Where(t => t.Reported is not null).Select(t => t.Latency!.Value.TotalSeconds).Order().ToList();
            var perHour = latencies.Count / run.Wall.TotalHours;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run.Mode} | {latencies.Count} of {run.Submitted} | {run.Wall.TotalSeconds:0.0} | {perHour:0} | {perHour / ceiling:0.00} | {Percentile(latencies, 0.5):0.0} | {Percentile(latencies, 0.95):0.0} | {latencies.LastOrDefault():0.0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| stage | " + string.Join(" | ", runs.Select(r => $"{r.Mode}: working (s per study) | waiting before it (s per study)")) + " |");
        Console.WriteLine("| --- |" + string.Concat(runs.Select(_ => " ---: | ---: |")));
        foreach (var stage in Enum.GetValues<PipelineStage>())
        {
            Console.WriteLine($"| {stage} | " + string.Join(" | ", runs.Select(r => $"{Mean(r.Timelines.Select(t => t.Working(stage)))} | {Mean(r.Timelines.Select(t => t.Waiting(stage)))}")) + " |");
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Mean(IEnumerable<TimeSpan?> values)
    {
        var seconds = values.OfType<TimeSpan>().Select(v => v.TotalSeconds).ToList();
        return seconds.Count == 0 ? "-" : seconds.Average().ToString("0.00", CultureInfo.InvariantCulture);
    }
}

/// <summary>One study's way through the pipeline as the ledger recorded it: when it was received, and each stage's transitions.</summary>
internal sealed record StudyTimeline(DateTimeOffset Received, IReadOnlyList<(PipelineStage Stage, StageOutcome Outcome, DateTimeOffset At)> Transitions)
{
    public static StudyTimeline Of(DateTimeOffset received, IEnumerable<(PipelineStage, StageOutcome, DateTimeOffset)> transitions) => new(received, [.. transitions]);

    /// <summary>When reporting completed, or null for a study that failed or is not done.</summary>
    public DateTimeOffset? Reported => At(PipelineStage.Reporting, StageOutcome.Completed);

    public TimeSpan? Latency => Reported - Received;

    /// <summary>From the stage's start to its completion.</summary>
    public TimeSpan? Working(PipelineStage stage) => At(stage, StageOutcome.Completed) - At(stage, StageOutcome.Started);

    /// <summary>From the previous stage's completion (or the receipt, for the first) to this stage's start: time in its queue.</summary>
    public TimeSpan? Waiting(PipelineStage stage) =>
        At(stage, StageOutcome.Started) - (stage == PipelineStage.Ingestion ? Received : At(stage - 1, StageOutcome.Completed));

    private DateTimeOffset? At(PipelineStage stage, StageOutcome outcome) =>
        Transitions.Where(t => t.Stage == stage && t.Outcome == outcome).Select(t => (DateTimeOffset?)t.At).LastOrDefault();
}
