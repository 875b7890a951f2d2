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
public sealed class DistributedPipelineTests(RabbitMqEndpoint broker, S3Endpoint s3, PostgresEndpoint postgres, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<RabbitMqEndpoint>, IClassFixture<S3Endpoint>, IClassFixture<PostgresEndpoint>, IDisposable
{
    private static readonly TimeSpan StudyLimit = PipelineStudies.StudyLimit;
    private readonly PipelineStudies _studies = new();

    [Fact]
    public async Task Six_processes_report_a_study_exactly_as_the_embedded_mode_does_and_one_trace_spans_all_six()
    {
        var dicom = Path.Combine(_studies.ImportRoot, "study", "dicom");
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 727272 });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_studies.ImportRoot, "study"));
        await File.WriteAllTextAsync(Path.Combine(dicom, "notes.txt"), "technologist's note, not an image");

        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, PipelineStudies.ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, _studies.ImportRoot);

        var studyId = Assert.Single(await pipeline.ImportAsync("study/dicom"));
        var detail = await pipeline.WaitForOutcomeAsync(studyId, StudyLimit);
        Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{detail.ToJsonString()}\n{pipeline.Errors()}");
        using var reporting = pipeline.Client("reporting");
        var distributed = JsonNode.Parse(await reporting.GetStringAsync(new Uri($"/studies/{studyId}/report", UriKind.Relative)))!;

        var embeddedOut = Path.Combine(_studies.Root, "embedded");
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
        var published = Assert.Single(await PipelineStudies.ReportsAsync(tap, [studyId], StudyLimit), m => m["studyId"]!.GetValue<string>() == studyId.ToString());
        Assert.Equal(Comparable(distributed).ToJsonString(), Comparable(published["report"]!).ToJsonString());

        // Each service exports how many messages wait in its queues (and their error queues) for operations to alert on.
        using (var classification = pipeline.Client("classification"))
        {
            var metrics = await classification.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Matches(@"spine_queue_messages\{[^}]*spine_queue=""[^""]*classification_error""", metrics);
        }

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
        _studies.Write(737373, Path.Combine("batch", "a"));
        _studies.Write(737374, Path.Combine("batch", "b"));

        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, PipelineStudies.ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, _studies.ImportRoot);
        var studies = await pipeline.ImportAsync("batch");
        Assert.Equal(2, studies.Count);

        using (var reporting = pipeline.Client("reporting"))
        {
            await PipelineStudies.WaitForSegmentationToStartAsync(pipeline, studies);
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
            await PipelineStudies.AssertCompletedAsync(pipeline, studies);

            // The interrupted study was segmented again by the new process (its message was redelivered).
            var redone = Transitions(await DistributedPipeline.DetailAsync(reporting, interrupted[0]));
            Assert.Equal(2, redone.Count(t => t == ("Segmentation", "Started")));
            Assert.Equal(1, redone.Count(t => t == ("Segmentation", "Completed")));
        }

        // The report is queued with the ledger's Completed and published by the outbox relay just after: subscribers
        // get it once. Nothing is left in any queue once every service has stopped: no duplicate can still be on its way.
        var reports = await PipelineStudies.ReportsAsync(tap, studies, StudyLimit);
        var queues = await pipeline.StopAndReadQueuesAsync();
        Assert.NotEmpty(queues);
        Assert.All(queues, queue => Assert.True(queue.Value == 0, $"{queue.Key} still holds {queue.Value} messages"));
        reports.AddRange(await tap.DrainAsync());
        foreach (var study in studies)
        {
            Assert.Single(reports, m => m["studyId"]!.GetValue<string>() == study.ToString());
        }

        _studies.AssertNoPatientIdentifiers(pipeline, traces);
    }

    [Fact]
    public async Task Every_service_killed_in_turn_while_studies_run_leaves_every_study_reported_once()
    {
        const int Studies = 4;
        for (var i = 0; i < Studies; i++)
        {
            _studies.Write(747400 + i, Path.Combine("faults", $"s{i}"));
        }

        using var traces = new OtlpTraceReceiver();
        await using var tap = await RabbitMqEventTap.BindAsync(broker.Url, PipelineStudies.ReportExchange);
        await using var pipeline = await DistributedPipeline.StartAsync(broker, s3, postgres, traces, _studies.ImportRoot);
        var studies = await pipeline.ImportAsync("faults");
        Assert.Equal(Studies, studies.Count);

        // Each service SIGKILLed once, in an order and at moments drawn from a fixed seed, while the studies are in flight,
        // and started again: unacknowledged messages go back to the queues, queued outbox messages to the next relay.
        await pipeline.KillEachInTurnAsync(new Random(19));

        await PipelineStudies.AssertCompletedAsync(pipeline, studies);

        foreach (var (service, peak) in pipeline.PeakMemoryMiB())
        {
            output.WriteLine($"{service}: peak resident memory {peak:0} MiB since its restart");
        }

        // A relay killed between publishing and marking the message sent makes a second delivery with the same
        // MessageId (subscribers drop it by that id); a second report would have another.
        await PipelineStudies.AssertEachReportedOnceAsync(pipeline, tap, studies);
        _studies.AssertNoPatientIdentifiers(pipeline, traces);
    }

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

    public void Dispose() => _studies.Dispose();
}
