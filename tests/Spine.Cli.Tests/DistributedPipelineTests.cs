using System.Text.Json.Nodes;
using Spine.Phantom;
using Spine.Cli.Resilience;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// The product as it is deployed: six <c>spine serve</c> processes, one per service, on RabbitMQ, the S3 server and
/// PostgreSQL, studies handed to ingestion over HTTP, followed through the reporting service's API.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class DistributedPipelineTests(RabbitMqEndpoint broker, FaultsRabbitMqEndpoint restartedBroker, S3Endpoint s3, PostgresEndpoint postgres, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<RabbitMqEndpoint>, IClassFixture<FaultsRabbitMqEndpoint>, IClassFixture<S3Endpoint>, IClassFixture<PostgresEndpoint>, IDisposable
{
    private const string ReportExchange = "Spine.Contracts.V1:StudyReportPublished";
    // A bound, not a retry: on the 2-core CI machine, with the other test projects running beside these, one study
    // through six processes while a service is killed has taken over 4 minutes (reporting redelivered after its kill).
    private static readonly TimeSpan StudyLimit = TimeSpan.FromMinutes(8);
    private readonly string _root = Directory.CreateTempSubdirectory("spine-e2e-").FullName;
    private readonly List<string> _identifiers = [];

    [Fact]
    public async Task Six_processes_report_a_study_exactly_as_the_embedded_mode_does_and_one_trace_spans_all_six()
    {
        var dicom = Path.Combine(_root, "in", "study", "dicom");
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 727272 });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_root, "in", "study"));
        await File.WriteAllTextAsync(Path.Combine(dicom, "notes.txt"), "technologist's note, not an image");

        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, Path.Combine(_root, "in"));

        var studyId = Assert.Single(await pipeline.ImportAsync("study/dicom"));
        var detail = await pipeline.WaitForOutcomeAsync(studyId, StudyLimit);
        Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{detail.ToJsonString()}\n{pipeline.Errors()}");
        using var reporting = pipeline.Client("reporting");
        var distributed = JsonNode.Parse(await reporting.GetStringAsync(new Uri($"/studies/{studyId}/report", UriKind.Relative)))!;

        var embeddedOut = Path.Combine(_root, "embedded");
        await using (var analyze = await SpineProcess.RunAsync(["analyze", dicom, "--out", embeddedOut, "--models", Path.Combine(RepositoryLayout.Root, "models")], StudyLimit))
        {
            Assert.True(analyze.ExitCode == 0, $"spine analyze exited {analyze.ExitCode}:\n{analyze.StandardOutput}\n{analyze.StandardError}");
        }

        // spine analyze copies each report to OUT/STUDYID/report.json (its own store lies under OUT/.spine).
        var embeddedStudy = Assert.Single(Directory.GetDirectories(embeddedOut), d => !Path.GetFileName(d).StartsWith('.'));
        var embedded = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(embeddedStudy, "report.json")))!;
        Assert.Equal(5, distributed["levels"]!.AsArray().Count);
        Assert.Equal("notes.txt", Assert.Single(distributed["rejectedFiles"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Equal(Comparable(embedded).ToJsonString(), Comparable(distributed).ToJsonString());

        // Subscribers got the report once, with the same body the API serves.
        var published = Assert.Single(await ReportsAsync(tap, [studyId], StudyLimit), m => m["studyId"]!.GetValue<string>() == studyId.ToString());
        Assert.Equal(Comparable(distributed).ToJsonString(), Comparable(published["report"]!).ToJsonString());

        var services = await ServicesInTraceOfImportAsync(traces);
        Assert.Equal(DistributedPipeline.ServiceNames.Select(name => "spine-" + name).Order(StringComparer.Ordinal), services);

        // Operators find the study's trace by its StudyId: every service tags its spans of the study with it.
        var tagged = traces.Spans.Where(s => s.Attributes.GetValueOrDefault("spine.study_id") == studyId.ToString()).Select(s => s.Service).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(services, tagged);
        Assert.DoesNotContain(traces.Spans, s => s.Attributes.Values.Any(v => v.Contains(phantom.Truth.StudyInstanceUid, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_segmentation_process_killed_mid_study_is_replaced_and_every_study_is_reported_once()
    {
        WriteStudy(737373, Path.Combine(_root, "in", "batch", "a"));
        WriteStudy(737374, Path.Combine(_root, "in", "batch", "b"));

        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, Path.Combine(_root, "in"));
        var studies = await pipeline.ImportAsync("batch");
        Assert.Equal(2, studies.Count);

        using (var reporting = pipeline.Client("reporting"))
        {
            await WaitForSegmentationToStartAsync(pipeline, studies);
            await pipeline.KillAsync("segmentation");

            // The kill came mid-study: a study began segmentation and did not finish it.
            var interrupted = new List<Guid>();
            foreach (var study in studies)
            {
                var transitions = Transitions(await DistributedPipeline.DetailAsync(reporting, study));
                if (transitions.Contains(("Segmentation", "Started")) && !transitions.Contains(("Segmentation", "Completed")))
                {
                    interrupted.Add(study);
                }
            }

            Assert.NotEmpty(interrupted);
            await pipeline.StartServiceAsync("segmentation");
            foreach (var study in studies)
            {
                var detail = await pipeline.WaitForOutcomeAsync(study, StudyLimit);
                Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{detail.ToJsonString()}\n{pipeline.Errors()}");
            }

            // The interrupted study was segmented again by the new process (its message was redelivered).
            var redone = Transitions(await DistributedPipeline.DetailAsync(reporting, interrupted[0]));
            Assert.Equal(2, redone.Count(t => t == ("Segmentation", "Started")));
            Assert.Equal(1, redone.Count(t => t == ("Segmentation", "Completed")));
        }

        // The report is queued with the ledger's Completed and published by the outbox relay just after: subscribers
        // get it once. Nothing is left in any queue once every service has stopped: no duplicate can still be on its way.
        var reports = await ReportsAsync(tap, studies, StudyLimit);
        var queues = await pipeline.StopAndReadQueuesAsync();
        Assert.NotEmpty(queues);
        Assert.All(queues, queue => Assert.True(queue.Value == 0, $"{queue.Key} still holds {queue.Value} messages"));
        reports.AddRange(await tap.DrainAsync());
        foreach (var study in studies)
        {
            Assert.Single(reports, m => m["studyId"]!.GetValue<string>() == study.ToString());
        }

        AssertNoPatientIdentifiers(pipeline, traces);
    }

    [Fact]
    public async Task Every_service_killed_in_turn_while_studies_run_leaves_every_study_reported_once()
    {
        const int Studies = 6;
        for (var i = 0; i < Studies; i++)
        {
            WriteStudy(747400 + i, Path.Combine(_root, "in", "faults", $"s{i}"));
        }

        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, Path.Combine(_root, "in"));
        var studies = await pipeline.ImportAsync("faults");
        Assert.Equal(Studies, studies.Count);

        // Each service SIGKILLed once, in an order and at moments drawn from a fixed seed, while the studies are in flight,
        // and started again: unacknowledged messages go back to the queues, queued outbox messages to the next relay.
        await pipeline.KillEachInTurnAsync(new Random(19));

        foreach (var study in studies)
        {
            var detail = await pipeline.WaitForOutcomeAsync(study, StudyLimit);
            Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{detail.ToJsonString()}\n{pipeline.Errors()}");
        }

        foreach (var (service, peak) in pipeline.PeakMemoryMiB())
        {
            output.WriteLine($"{service}: peak resident memory {peak:0} MiB since its restart");
        }

        // A relay killed between publishing and marking the message sent makes a second delivery with the same
        // MessageId (subscribers drop it by that id); a second report would have another.
        await AssertEachReportedOnceAsync(pipeline, tap, studies);
        AssertNoPatientIdentifiers(pipeline, traces);
    }

    [Fact]
    public async Task A_minute_without_the_object_store_and_a_minute_without_the_database_lose_no_study()
    {
        WriteStudy(757500, Path.Combine(_root, "in", "outage", "store", "a"));
        WriteStudy(757501, Path.Combine(_root, "in", "outage", "store", "b"));
        WriteStudy(757502, Path.Combine(_root, "in", "outage", "database", "a"));
        WriteStudy(757503, Path.Combine(_root, "in", "outage", "database", "b"));
        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, Path.Combine(_root, "in"), gated: true);
        var studies = new List<Guid>();

        // Each outage begins as soon as the studies are in, while they are in the first stages, and lasts a minute; the
        // bus's retries (111 s without the delayed-exchange plugin) outlast it.
        foreach (var (batch, gate) in new[] { ("outage/store", pipeline.StoreGate!), ("outage/database", pipeline.DatabaseGate!) })
        {
            var started = await pipeline.ImportAsync(batch);
            Assert.Equal(2, started.Count);
            studies.AddRange(started);
            var target = gate.Target;
            gate.Close();
            await Task.Delay(TimeSpan.FromSeconds(60));
            gate.Open(target);
            foreach (var study in started)
            {
                var detail = await pipeline.WaitForOutcomeAsync(study, StudyLimit);
                Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{batch}: {detail.ToJsonString()}\n{pipeline.Errors()}");
            }
        }

        await AssertEachReportedOnceAsync(pipeline, tap, studies);
        AssertNoPatientIdentifiers(pipeline, traces);
    }

    [Fact]
    public async Task A_broker_restarted_mid_run_loses_no_study_and_reports_each_once()
    {
        for (var i = 0; i < 3; i++)
        {
            WriteStudy(767600 + i, Path.Combine(_root, "in", "restart", $"s{i}"));
        }

        using var traces = new OtlpTraceReceiver();
        // A durable subscriber queue: what is published before the restart waits in it, as it would for a hospital's subscriber.
        await using var tap = await RabbitMqEventTap.BindAsync(restartedBroker.Url, ReportExchange, restartedBroker.NewPrefix("tap"));
        await using var pipeline = await DistributedPipeline.StartAsync(restartedBroker, s3, postgres, traces, Path.Combine(_root, "in"));
        var studies = await pipeline.ImportAsync("restart");
        Assert.Equal(3, studies.Count);

        // The broker goes down once the studies are in the analysis stages, for 15 s: every service loses its connection,
        // unacknowledged messages return to their queues on disk, the outbox relays keep what they could not publish.
        await WaitForSegmentationToStartAsync(pipeline, studies);
        await restartedBroker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(15));
        await restartedBroker.StartAsync();

        foreach (var study in studies)
        {
            var detail = await pipeline.WaitForOutcomeAsync(study, StudyLimit);
            Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{detail.ToJsonString()}\n{pipeline.Errors()}");
        }

        await AssertEachReportedOnceAsync(pipeline, tap, studies);
        AssertNoPatientIdentifiers(pipeline, traces);
    }

    /// <summary>Writes a phantom study and notes its Study Instance UID, patient ID and patient name for <see cref="AssertNoPatientIdentifiers"/>.</summary>
    private void WriteStudy(int seed, string folder)
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false });
        PhantomWriter.WriteStudy(phantom, folder);
        _identifiers.AddRange([phantom.Truth.StudyInstanceUid, $"PHANTOM-{seed}", $"LUMBAR{seed}"]);
    }

    /// <summary>No Study Instance UID, patient name or patient ID of the test's studies in any log line or span of the six services, killed ones included.</summary>
    private void AssertNoPatientIdentifiers(ServiceFleet pipeline, OtlpTraceReceiver traces)
    {
        Assert.NotEmpty(_identifiers);
        var logs = pipeline.AllLogs();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(_identifiers, id => logs.Contains(id, StringComparison.Ordinal));
        Assert.NotEmpty(traces.Spans);
        Assert.DoesNotContain(traces.Spans, span => _identifiers.Any(id => span.Name.Contains(id, StringComparison.Ordinal) || span.Attributes.Values.Any(v => v.Contains(id, StringComparison.Ordinal))));
    }

    /// <summary>The reports the tap receives until there is one for each study (or the time is up).</summary>
    private static async Task<List<JsonNode>> ReportsAsync(RabbitMqEventTap tap, IReadOnlyCollection<Guid> studies, TimeSpan within) =>
        [.. (await tap.DrainUntilEachAsync(studies, within)).Select(r => r.Message)];

    /// <summary>
    /// Once each study has a report on the tap, stops the services and checks that no queue holds a message, then that
    /// each study was reported under one MessageId (a repeat of the same message is the relay's at-least-once delivery).
    /// </summary>
    private static async Task AssertEachReportedOnceAsync(ServiceFleet pipeline, RabbitMqEventTap tap, IReadOnlyCollection<Guid> studies)
    {
        var reports = await tap.DrainUntilEachAsync(studies, StudyLimit);
        var queues = await pipeline.StopAndReadQueuesAsync();
        Assert.All(queues, queue => Assert.True(queue.Value == 0, $"{queue.Key} still holds {queue.Value} messages"));
        reports.AddRange(await tap.DrainEnvelopesAsync());
        Assert.All(studies, study => Assert.Single(reports.Where(r => RabbitMqEventTap.IsOf(r.Message, study)).Select(r => r.MessageId).Distinct()));
    }

    private static async Task WaitForSegmentationToStartAsync(ServiceFleet pipeline, IReadOnlyCollection<Guid> studies) =>
        Assert.True(await pipeline.WaitForStageAsync(studies, "Segmentation", StudyLimit), $"segmentation never started.\n{pipeline.Errors()}");

    private static List<(string Stage, string Outcome)> Transitions(JsonNode? detail) =>
        detail?["transitions"]?.AsArray().Select(t => (t!["stage"]!.GetValue<string>(), t["outcome"]!.GetValue<string>())).ToList() ?? [];

    /// <summary>The services that sent spans in the trace of the import request, once every service has been heard from or time is up.</summary>
    private static async Task<IReadOnlyList<string>> ServicesInTraceOfImportAsync(OtlpTraceReceiver traces)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<string> services = [];
        while (DateTime.UtcNow < deadline)
        {
            var spans = traces.Spans;
            var import = spans.FirstOrDefault(s => s.Service == "spine-ingestion" && s.Name.Contains("/imports", StringComparison.Ordinal));
            if (import is not null)
            {
                services = spans.Where(s => s.TraceId == import.TraceId).Select(s => s.Service).Distinct().Order(StringComparer.Ordinal).ToList();
                if (services.Count == DistributedPipeline.ServiceNames.Count)
                {
                    return services;
                }
            }

            await Task.Delay(250);
        }

        return services;
    }

    /// <summary>
    /// The report without what differs by design between two runs: the StudyId and time it was generated, and where
    /// objects are stored (bucket and key). Object contents stay in, by their SHA-256 and length.
    /// </summary>
    private static JsonNode Comparable(JsonNode report)
    {
        var copy = report.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var name in new[] { "studyId", "generatedAt", "bucket", "key" })
                    {
                        obj.Remove(name);
                    }

                    foreach (var (_, child) in obj)
                    {
                        Strip(child);
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Strip(child);
                    }

                    break;
            }
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
