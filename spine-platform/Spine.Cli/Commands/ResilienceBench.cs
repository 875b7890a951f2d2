using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spine.Cli.Resilience;
using Spine.Contracts.V1;
using Spine.Phantom;
using Spine.Platform.Messaging;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench resilience</c>: the six services as six processes on a real RabbitMQ, S3 server and PostgreSQL,
/// studies submitted while each fault happens (every service SIGKILLed in turn, the broker restarted, the object store
/// and the database cut off for a minute) and a load of many studies at once; per scenario, how many studies were
/// reported exactly once, lost or duplicated (counted on a subscriber's durable queue by MessageId), what was left in
/// the queues, and the services' peak memory. The servers' addresses default to those tests/infra/test-services.sh
/// writes to .test-services/env.
/// </summary>
internal static class ResilienceBench
{
    private static readonly string ReportExchange = $"{typeof(StudyReportPublished).Namespace}:{nameof(StudyReportPublished)}";
    private static readonly string[] AllScenarios = ["kill", "broker", "store", "database", "load"];

    private sealed record Settings(int Studies, int Load, int OutageSeconds, IReadOnlyList<string> Scenarios, FleetServers Servers, string? BrokerControl, string Models);

    private sealed record Outcome(string Scenario, int Studies, int ReportedOnce, int Lost, int Duplicated, int Failed, long LeftInQueues, IReadOnlyDictionary<string, double> PeakMiB, TimeSpan Wall);

    public static Command Create()
    {
        var studies = new Option<int>("--studies") { Description = "Studies run through each fault scenario.", DefaultValueFactory = _ => 20 };
        var load = new Option<int>("--load") { Description = "Studies submitted at once in the load scenario.", DefaultValueFactory = _ => 100 };
        var outage = new Option<int>("--outage-seconds") { Description = "How long the object store and the database are cut off.", DefaultValueFactory = _ => 60 };
        var scenarios = new Option<string[]>("--scenario") { Description = $"Scenarios to run ({string.Join(", ", AllScenarios)}); all when not given.", AllowMultipleArgumentsPerToken = true };
        var control = new Option<string?>("--broker-control") { Description = "A program called with 'stop' or 'start' to restart the broker; default tests/infra/test-services.sh's rabbitmq-stop/rabbitmq-start faults." };
        var servers = new FleetServerOptions("SPINE_TEST_FAULTS_RABBITMQ_URL", "SPINE_TEST_FAULTS_RABBITMQ_MANAGEMENT_URL", " (restarted by the broker scenario)");
        var models = ModelsOption.Create();
        var command = new Command("resilience", "Six service processes on RabbitMQ, S3 and PostgreSQL through kills, a broker restart, a minute without the object store or the database, and a load of studies at once: reported once, lost, duplicated, peak memory.")
        {
            studies, load, outage, scenarios, control, models,
        };
        servers.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ModelsOption.Check("bench resilience", parse.GetValue(models)!) is { } refused)
            {
                return refused;
            }

            var chosen = parse.GetValue(scenarios) is { Length: > 0 } named ? named : AllScenarios;
            if (chosen.FirstOrDefault(name => !AllScenarios.Contains(name, StringComparer.Ordinal)) is { } unknown)
            {
                await Console.Error.WriteLineAsync($"spine bench resilience: unknown scenario '{unknown}' (known: {string.Join(", ", AllScenarios)}).");
                return ExitCodes.Usage;
            }

            if (servers.Resolve(parse, "bench resilience") is not { } fleetServers)
            {
                return ExitCodes.Usage;
            }

            var settings = new Settings(
                Math.Max(1, parse.GetValue(studies)), Math.Max(1, parse.GetValue(load)), Math.Max(1, parse.GetValue(outage)), chosen,
                fleetServers, parse.GetValue(control) ?? Environment.GetEnvironmentVariable("SPINE_TEST_RABBITMQ_CONTROL"), parse.GetValue(models)!.FullName);
            if (chosen.Contains("broker") && settings.BrokerControl is null)
            {
                await Console.Error.WriteLineAsync("spine bench resilience: the broker scenario needs --broker-control (or $SPINE_TEST_RABBITMQ_CONTROL).");
                return ExitCodes.Usage;
            }

            var steps = settings.Scenarios.Max(s => s == "load" ? settings.Load : settings.Studies) + settings.Scenarios.Count;
            return await CommandProgress.BenchAsync("studies written, scenarios", steps, step => RunAsync(settings, step, cancellationToken));
        });
        return command;
    }

    private static async Task<int> RunAsync(Settings settings, Action step, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("spine-bench-resilience-").FullName;
        try
        {
            var needed = settings.Scenarios.Max(s => s == "load" ? settings.Load : settings.Studies);
            Console.WriteLine($"writing {needed} phantom studies...");
            for (var i = 0; i < needed; i++)
            {
                PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 191900 + i, Distractors = false }), Path.Combine(root, "studies", $"s{i:000}"));
                step();
            }

            var outcomes = new List<Outcome>();
            foreach (var scenario in settings.Scenarios)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Console.WriteLine($"scenario {scenario}...");
                outcomes.Add(await RunScenarioAsync(scenario, settings, root, cancellationToken));
                step();
            }

            Print(settings, outcomes);
            return outcomes.All(o => o.ReportedOnce == o.Studies && o.LeftInQueues == 0) ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<Outcome> RunScenarioAsync(string scenario, Settings settings, string root, CancellationToken cancellationToken)
    {
        var count = scenario == "load" ? settings.Load : settings.Studies;
        var run = Guid.NewGuid().ToString("n")[..8];
        var tapQueue = $"resilience-tap-{run}";
        var clock = Stopwatch.StartNew();
        await using var tap = await RabbitMqEventTap.BindAsync(settings.Servers.Broker, ReportExchange, tapQueue);
        try
        {
            await using var fleet = await ServiceFleet.StartAsync(settings.Servers.Fleet("resilience", run, settings.Models, root, gated: scenario is "store" or "database"));
            clock.Restart();

            // Every study submitted at once (eight imports in flight at a time), then the fault.
            var studies = new System.Collections.Concurrent.ConcurrentBag<Guid>();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, _) =>
            {
                foreach (var study in await fleet.ImportAsync($"studies/s{i:000}"))
                {
                    studies.Add(study);
                }
            });
            await InjectAsync(scenario, fleet, settings, [.. studies]);

            var failed = 0;
            foreach (var study in studies)
            {
                var detail = await fleet.WaitForOutcomeAsync(study, TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(10 * count));
                failed += detail["study"]!["status"]!.GetValue<string>() == "Completed" ? 0 : 1;
            }

            var wall = clock.Elapsed;
            var reports = await tap.DrainUntilEachAsync([.. studies], TimeSpan.FromMinutes(2));

            var peak = fleet.PeakMemoryMiB();
            var queues = await fleet.StopAndReadQueuesAsync();
            reports.AddRange(await tap.DrainEnvelopesAsync());
            var reportsPerStudy = studies.Select(study => reports.Where(r => RabbitMqEventTap.IsOf(r.Message, study)).Select(r => r.MessageId).Distinct().Count()).ToList();
            return new Outcome(
                scenario, studies.Count, reportsPerStudy.Count(n => n == 1), reportsPerStudy.Count(n => n == 0), reportsPerStudy.Count(n => n > 1), failed,
                queues.Values.Sum(depth => (long)depth), peak, wall);
        }
        finally
        {
            await RabbitMqQueues.DeleteAsync(settings.Servers.Broker, settings.Servers.BrokerManagement, tapQueue);
        }
    }

    private static async Task InjectAsync(string scenario, ServiceFleet fleet, Settings settings, IReadOnlyList<Guid> studies)
    {
        switch (scenario)
        {
            case "kill":
                await fleet.KillEachInTurnAsync(new Random(19));
                break;
            case "broker":
                // Once a study has begun segmentation: the fault lands in the middle of the run.
                await fleet.WaitForStageAsync(studies, "Segmentation", TimeSpan.FromMinutes(5));
                await ControlBrokerAsync(settings.BrokerControl!, "stop");
                await Task.Delay(TimeSpan.FromSeconds(15));
                await ControlBrokerAsync(settings.BrokerControl!, "start");
                break;
            case "store" or "database":
                var gate = scenario == "store" ? fleet.StoreGate! : fleet.DatabaseGate!;
                var target = gate.Target;
                gate.Close();
                await Task.Delay(TimeSpan.FromSeconds(settings.OutageSeconds));
                gate.Open(target);
                break;
        }
    }

    /// <summary>Runs the broker control program: tests/infra/test-services.sh takes rabbitmq-stop/rabbitmq-start and the instance; any other program takes stop/start.</summary>
    private static async Task ControlBrokerAsync(string control, string verb)
    {
        string[] arguments = control.EndsWith("test-services.sh", StringComparison.Ordinal) ? [$"rabbitmq-{verb}", "faults"] : [verb];
        await using var process = Spine.Platform.Diagnostics.ChildProcess.Start(control, arguments);
        await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{control} {string.Join(' ', arguments)} failed ({process.ExitCode}): {process.StandardError}");
        }
    }

    private static void Print(Settings settings, IReadOnlyList<Outcome> outcomes)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kill"] = "each of the six services SIGKILLed once, at random moments, and restarted",
            ["broker"] = "RabbitMQ stopped for 15 s mid-run and restarted",
            ["store"] = $"the S3 server cut off for {settings.OutageSeconds} s",
            ["database"] = $"PostgreSQL cut off for {settings.OutageSeconds} s",
            ["load"] = $"{settings.Load} studies at once, no fault",
        };
        Console.WriteLine();
        Console.WriteLine("| scenario | studies | reported once | lost | duplicated | failed | left in queues | peak memory, largest service (MiB) | wall (s) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var o in outcomes)
        {
            var largest = o.PeakMiB.MaxBy(p => p.Value);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {names[o.Scenario]} | {o.Studies} | {o.ReportedOnce} | {o.Lost} | {o.Duplicated} | {o.Failed} | {o.LeftInQueues} | {largest.Value:0} ({largest.Key}) | {o.Wall.TotalSeconds:0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| peak resident memory (MiB) | " + string.Join(" | ", ServiceFleet.ServiceNames) + " |");
        Console.WriteLine("| --- |" + string.Concat(ServiceFleet.ServiceNames.Select(_ => " ---: |")));
        foreach (var o in outcomes)
        {
            Console.WriteLine($"| {o.Scenario} | " + string.Join(" | ", ServiceFleet.ServiceNames.Select(n => o.PeakMiB.TryGetValue(n, out var mib) ? mib.ToString("0", CultureInfo.InvariantCulture) : "-")) + " |");
        }
    }
}
