using System.Diagnostics.Metrics;
using System.Globalization;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Platform.Diagnostics;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Reporting;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>The results go back to the PACS (a real Orthanc) as a measurement report (SR), a segmentation (SEG), a PDF and Secondary Capture objects, with retries while it is down.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class ExportTests : IAsyncLifetime
{
    private const string Destination = "retried-pacs";
    // The PACS's address, bound now: connections are refused until the PACS is up behind it.
    private readonly TcpGate _pacs = new();
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(
            SpineModules.Pipeline,
            EmbeddedPlatform.Record<StudyReportPublished>,
            new Dictionary<string, string?>
            {
                ["Spine:Export:Destinations:0:Name"] = Destination,
                ["Spine:Export:Destinations:0:Host"] = "127.0.0.1",
                ["Spine:Export:Destinations:0:Port"] = _pacs.Port.ToString(CultureInfo.InvariantCulture),
                ["Spine:Export:Destinations:0:AeTitle"] = "ORTHANC",
                ["Spine:Export:Attempts"] = "8",
                ["Spine:Export:FirstRetryDelaySeconds"] = "1",
            });

    [Fact]
    public async Task A_report_reaches_a_pacs_that_was_down_when_it_was_published_as_a_measurement_report_a_segmentation_a_pdf_and_one_secondary_capture_per_finding()
    {
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "spine.export.attempts")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var fields = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (Equals(fields.GetValueOrDefault(ExportConsumer.DestinationTag), Destination))
            {
                attempts.Enqueue((string)fields["spine.export.outcome"]!);
            }
        });
        meters.Start();
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 949494, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in"));
        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        var published = await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study.StudyId, seconds: 120);

        // The PACS comes up only now: the export has been failing and retrying meanwhile.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>());
        _pacs.Open(orthanc.DicomPort);
        await _platform.WaitForConsumedAsync<StudyReportPublished>("export", m => m.StudyId == study.StudyId, count: 1, seconds: 120);
        var stored = await orthanc.SopInstanceUidsAsync();

        var findings = published.Report.Levels.Sum(l => l.Findings.Count);
        Assert.Equal(findings + 3, stored.Count);
        var received = (await orthanc.InstanceFilesAsync()).Select(bytes => DicomFile.Read(bytes)).ToList();
        var report = Assert.Single(received, f => f.Dataset.GetString(DicomTags.SopClassUid) == Spine.Dicom.StructuredReporting.SrDocument.ComprehensiveSrStorage);
        Assert.Equal(phantom.Truth.StudyInstanceUid, report.Dataset.GetString(DicomTags.StudyInstanceUid));
        var document = Assert.Single(received, f => f.Dataset.GetString(DicomTags.SopClassUid) == EncapsulatedDocuments.EncapsulatedPdfStorage);
        Assert.Equal("DOC", document.Dataset.GetString(DicomTags.Modality));
        var segmentation = Assert.Single(received, f => f.Dataset.GetString(DicomTags.SopClassUid) == Spine.Dicom.Segmentation.Segmentations.SegmentationStorage);
        Assert.Equal("SEG", segmentation.Dataset.GetString(DicomTags.Modality));
        var files = received.Where(f => f != report && f != document && f != segmentation).ToList();
        Assert.All(files, file =>
        {
            var dataset = file.Dataset;
            Assert.Equal(phantom.Truth.StudyInstanceUid, dataset.GetString(DicomTags.StudyInstanceUid));
            Assert.Equal("1.2.840.10008.5.1.4.1.1.7", dataset.GetString(DicomTags.SopClassUid));
            Assert.Equal("RGB", dataset.GetString(DicomTags.PhotometricInterpretation));
            Assert.Contains("not for diagnosis", dataset.GetString(DicomTags.SeriesDescription), StringComparison.Ordinal);
            Assert.Contains("synthetic phantoms", dataset.GetString(new DicomTag(0x0020, 0x4000)), StringComparison.Ordinal);
        });
        Assert.Single(files.Select(f => f.Dataset.GetString(DicomTags.PatientId)).Distinct());

        // The Secondary Capture as the PACS received it passes dicom3tools' IOD checks.
        var capture = Path.Combine(_platform.Root, "capture.dcm");
        await File.WriteAllBytesAsync(capture, (await orthanc.InstanceFilesAsync()).First(bytes => DicomFile.Read(bytes).Dataset.GetString(DicomTags.SopClassUid) == SopClasses.SecondaryCaptureImageStorage));
        var (_, verdict) = await ExternalTool.RunAsync("dciodvfy", [capture]);
        Assert.StartsWith("SCImage", verdict, StringComparison.Ordinal);
        Assert.False(verdict.Split('\n').Any(line => line.StartsWith("Error", StringComparison.Ordinal)), verdict);
        Assert.Equal(findings, files.Select(f => f.Dataset.GetString(DicomTags.InstanceNumber)).Distinct().Count());

        // Operations see the attempts that failed while the PACS was down, then the one that stored the objects.
        Assert.Equal("stored", attempts.Last());
        Assert.Single(attempts, a => a == "stored");
        Assert.Contains("failed", attempts);
        Assert.DoesNotContain("gave-up", attempts);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _pacs.DisposeAsync();
    }
}
