using Spine.Platform.Messaging;
using System.Text.Json.Nodes;
using Spine.Cli.Resilience;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// The phantom studies a distributed pipeline test sends, under a temporary folder of its own, with the patient
/// identifiers they carry (for <see cref="AssertNoPatientIdentifiers"/>), and the checks the fault tests share.
/// </summary>
internal sealed class PipelineStudies : IDisposable
{
    public const string ReportExchange = "Spine.Contracts.V1:StudyReportPublished";

    // A bound, not a retry: on the 2-core CI machine, with the other test projects running beside these, one study
    // through six processes while a service is killed has taken over 4 minutes (reporting redelivered after its kill).
    public static readonly TimeSpan StudyLimit = TimeSpan.FromMinutes(8);

    private readonly List<string> _identifiers = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("spine-e2e-").FullName;

    /// <summary>The folder the fleet imports from: <c>ImportAsync</c> takes paths relative to it.</summary>
    public string ImportRoot => Path.Combine(Root, "in");

    /// <summary>Writes a phantom study under <see cref="ImportRoot"/> and notes its Study Instance UID, patient ID and patient name.</summary>
    public void Write(int seed, string relativeFolder)
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(ImportRoot, relativeFolder));
        _identifiers.AddRange([phantom.Truth.StudyInstanceUid, $"PHANTOM-{seed}", $"LUMBAR{seed}"]);
    }

    /// <summary>No Study Instance UID, patient name or patient ID of the written studies in any log line or span of the six services, killed ones included.</summary>
    public void AssertNoPatientIdentifiers(ServiceFleet pipeline, OtlpTraceReceiver traces)
    {
        Assert.NotEmpty(_identifiers);
        var logs = pipeline.AllLogs();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(_identifiers, id => logs.Contains(id, StringComparison.Ordinal));
        Assert.NotEmpty(traces.Spans);
        Assert.DoesNotContain(traces.Spans, span => _identifiers.Any(id => span.Name.Contains(id, StringComparison.Ordinal) || span.Attributes.Values.Any(v => v.Contains(id, StringComparison.Ordinal))));
    }

    /// <summary>Waits for each study's outcome and asserts it is Completed, with the services' errors if not.</summary>
    public static async Task AssertCompletedAsync(ServiceFleet pipeline, IEnumerable<Guid> studies, string context = "")
    {
        foreach (var study in studies)
        {
            var detail = await pipeline.WaitForOutcomeAsync(study, StudyLimit);
            Assert.True(detail["study"]!["status"]!.GetValue<string>() == "Completed", $"{context}{detail.ToJsonString()}\n{pipeline.Errors()}");
        }
    }

    /// <summary>The reports the tap receives until there is one for each study (or the time is up).</summary>
    public static async Task<List<JsonNode>> ReportsAsync(RabbitMqEventTap tap, IReadOnlyCollection<Guid> studies, TimeSpan within) =>
        [.. (await tap.DrainUntilEachAsync(studies, within)).Select(r => r.Message)];

    /// <summary>
    /// Once each study has a report on the tap, stops the services and checks that no queue holds a message, then that
    /// each study was reported under one MessageId (a repeat of the same message is the relay's at-least-once delivery).
    /// </summary>
    public static async Task AssertEachReportedOnceAsync(ServiceFleet pipeline, RabbitMqEventTap tap, IReadOnlyCollection<Guid> studies)
    {
        var reports = await tap.DrainUntilEachAsync(studies, StudyLimit);
        var queues = await pipeline.StopAndReadQueuesAsync();
        var left = new List<string>();
        foreach (var (queue, depth) in queues.Where(q => q.Value > 0))
        {
            left.Add($"{queue} still holds {depth} messages: {string.Join(" | ", await RabbitMqQueues.DescribeAsync(pipeline.BrokerUrl, queue))}");
        }

        Assert.True(left.Count == 0, string.Join("\n", left) + "\n" + pipeline.Errors());
        reports.AddRange(await tap.DrainEnvelopesAsync());
        Assert.All(studies, study => Assert.Single(reports.Where(r => RabbitMqEventTap.IsOf(r.Message, study)).Select(r => r.MessageId).Distinct()));
    }

    public static async Task WaitForSegmentationToStartAsync(ServiceFleet pipeline, IReadOnlyCollection<Guid> studies) =>
        Assert.True(await pipeline.WaitForStageAsync(studies, "Segmentation", StudyLimit), $"segmentation never started.\n{pipeline.Errors()}");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
