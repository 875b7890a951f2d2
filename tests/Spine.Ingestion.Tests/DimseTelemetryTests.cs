using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Ingestion.Tests;

/// <summary>
/// What operations see of the storage SCP: instruments that count associations and instances by outcome, a span per
/// association and one per completed study, tagged with AE titles, outcomes and the platform's StudyId only.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DimseTelemetryTests
{
    private const string Scanner = "METRICS1";
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _spans = new();

    [Fact]
    public async Task The_scp_counts_associations_and_instances_by_outcome_and_traces_each_association_and_study()
    {
        using var meters = ListenToMeters();
        using var spans = ListenToSpans();
        var port = SpineProcess.FreeTcpPort();
        await using var platform = await EmbeddedPlatform.StartAsync([IngestionModule.Module], bus => EmbeddedPlatform.Record<StudyReceived>(bus), new Dictionary<string, string?>
        {
            ["Spine:Ingestion:Dimse:Enabled"] = "true",
            ["Spine:Ingestion:Dimse:Address"] = "127.0.0.1",
            ["Spine:Ingestion:Dimse:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Spine:Ingestion:Dimse:AllowedCallingAeTitles:0"] = Scanner,
            ["Spine:Ingestion:QuietPeriodSeconds"] = "1",
        });
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 979797, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(platform.Root, "scanner"));
        var files = Directory.GetFiles(Path.Combine(platform.Root, "scanner", "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(6).Select(File.ReadAllBytes).ToList();
        var contexts = DicomClient.ContextsFor(files.Select(b => DicomFile.Read(b)).Select(f => (f.Dataset.GetString(DicomTags.SopClassUid)!, f.TransferSyntax.Uid)).Distinct().ToList());

        await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.ConnectAsync("127.0.0.1", port, "STRANGER", "SPINE", contexts));
        await using (var client = await DicomClient.ConnectAsync("127.0.0.1", port, Scanner, "SPINE", contexts))
        {
            foreach (var bytes in files.Concat(files.Take(2)))
            {
                Assert.Equal(DimseStatus.Success, await client.StoreAsync(bytes));
            }

            await client.ReleaseAsync();
        }

        var received = await platform.WaitForAsync<StudyReceived>(m => m.StudyInstanceUid == phantom.Truth.StudyInstanceUid, seconds: 30);

        Assert.Equal(6, Sum("spine.dimse.instances", "stored"));
        Assert.Equal(2, Sum("spine.dimse.instances", "duplicate"));
        var durations = Of("spine.dimse.store.duration").ToList();
        Assert.Equal(6, durations.Count);
        Assert.All(durations, d => Assert.True(d.Value > 0, "a store takes time"));
        Assert.Equal(1, Sum("spine.dicom.associations", "accepted"));
        Assert.Equal(1, Sum("spine.dicom.associations.ended", "released"));
        Assert.Equal([1.0, -1.0], Of("spine.dicom.associations.active").Select(m => m.Value));
        // The stranger's rejection, told from other tests' by this SCP's port; an unaccepted caller's AE title is not recorded.
        var rejected = Assert.Single(_measurements, m => m.Instrument == "spine.dicom.associations" && Equals(m.Tags.GetValueOrDefault(DicomNetworkTelemetry.OutcomeTag), "rejected")
            && Equals(m.Tags.GetValueOrDefault(DicomNetworkTelemetry.ServerPortTag), port));
        Assert.False(rejected.Tags.ContainsKey(DicomNetworkTelemetry.CallingAeTag));

        var association = Assert.Single(_spans, s => s.OperationName == "dicom association" && Scanner.Equals(s.GetTagItem(DicomNetworkTelemetry.CallingAeTag)));
        Assert.Equal("released", association.GetTagItem(DicomNetworkTelemetry.OutcomeTag));
        Assert.Equal(8, association.GetTagItem("dicom.c_store_requests"));
        var study = Assert.Single(_spans, s => s.OperationName == "study complete" && Equals(s.GetTagItem("spine.study_id"), received.StudyId.ToString()));
        Assert.Equal(association.TraceId, study.TraceId);
        Assert.Equal(6, study.GetTagItem("spine.instances"));

        var patient = new[] { phantom.Truth.StudyInstanceUid, $"PHANTOM-{979797}", "LUMBAR979797" };
        var values = _measurements.SelectMany(m => m.Tags.Values).Concat(_spans.SelectMany(s => s.TagObjects.Select(t => t.Value))).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty);
        Assert.DoesNotContain(values, v => patient.Any(p => v.Contains(p, StringComparison.Ordinal)));
    }

    /// <summary>This test's measurements: those tagged with its scanner's calling AE title (other tests run beside it).</summary>
    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Of(string instrument) =>
        _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(DicomNetworkTelemetry.CallingAeTag), Scanner));

    private double Sum(string instrument, string outcome) =>
        Of(instrument).Where(m => Equals(m.Tags.GetValueOrDefault(DicomNetworkTelemetry.OutcomeTag), outcome)).Sum(m => m.Value);

    private MeterListener ListenToMeters()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name.StartsWith("spine.dicom.", StringComparison.Ordinal) || instrument.Name.StartsWith("spine.dimse.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return listener;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private ActivityListener ListenToSpans()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is DicomNetworkTelemetry.Name or "Spine.Platform",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
