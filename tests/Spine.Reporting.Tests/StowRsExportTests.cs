using System.Text.Json.Nodes;
using MassTransit;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Segmentation;
using Spine.Dicom.StructuredReporting;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>
/// The results to DICOMweb servers (real Orthancs with Debian's DICOMweb plugin) by STOW-RS, each destination with the
/// kinds of object it asked for; listed by the server's QIDO-RS in the patient's study; a resend duplicates nothing.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class StowRsExportTests : IAsyncLifetime
{
    private OrthancPeer _everything = null!;
    private OrthancPeer _structuredOnly = null!;
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync()
    {
        _everything = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>(), settings: OrthancPeer.DicomWeb);
        _structuredOnly = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>(), settings: OrthancPeer.DicomWeb);
        _platform = await EmbeddedPlatform.StartAsync(
            SpineModules.Pipeline,
            EmbeddedPlatform.Record<StudyReportPublished>,
            new Dictionary<string, string?>
            {
                ["Spine:Export:Destinations:0:Name"] = "dicomweb-pacs",
                ["Spine:Export:Destinations:0:Kind"] = "StowRs",
                ["Spine:Export:Destinations:0:Url"] = _everything.DicomWebRoot.ToString(),
                ["Spine:Export:Destinations:1:Name"] = "research-archive",
                ["Spine:Export:Destinations:1:Kind"] = "StowRs",
                ["Spine:Export:Destinations:1:Url"] = _structuredOnly.DicomWebRoot.ToString(),
                ["Spine:Export:Destinations:1:SendPdf"] = "false",
                ["Spine:Export:Destinations:1:SendSecondaryCaptures"] = "false",
            });
    }

    [Fact]
    public async Task Each_destination_receives_the_kinds_it_asked_for_in_the_patients_study_and_a_resend_duplicates_nothing()
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 939393, Distractors = false });
        PhantomWriter.WriteStudy(phantom, Path.Combine(_platform.Root, "in"));
        var study = Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(_platform.Root, "in", "dicom")));
        var published = await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study.StudyId, seconds: 120);
        await _platform.WaitForConsumedAsync<StudyReportPublished>("export", m => m.StudyId == study.StudyId, count: 1);
        var findings = published.Report.Levels.Sum(l => l.Findings.Count);

        var everything = await SopClassesInStudyAsync(_everything, phantom.Truth.StudyInstanceUid);
        Assert.Equal(findings + 3, everything.Count);
        Assert.Single(everything, c => c == SrDocument.ComprehensiveSrStorage);
        Assert.Single(everything, c => c == Segmentations.SegmentationStorage);
        Assert.Single(everything, c => c == EncapsulatedDocuments.EncapsulatedPdfStorage);
        Assert.Equal(findings, everything.Count(c => c == SopClasses.SecondaryCaptureImageStorage));
        var structured = await SopClassesInStudyAsync(_structuredOnly, phantom.Truth.StudyInstanceUid);
        Assert.Equal([Segmentations.SegmentationStorage, SrDocument.ComprehensiveSrStorage], structured.Order(StringComparer.Ordinal));

        // In the patient's own study: one patient, one study, in each server.
        foreach (var server in new[] { _everything, _structuredOnly })
        {
            Assert.Single(JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/patients", UriKind.Relative)))!.AsArray());
            Assert.Single(JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/studies", UriKind.Relative)))!.AsArray());
        }

        await _platform.Service<IBus>().Publish(published);
        await _platform.WaitForConsumedAsync<StudyReportPublished>("export", m => m.StudyId == study.StudyId, count: 2);
        Assert.Equal(findings + 3, (await SopClassesInStudyAsync(_everything, phantom.Truth.StudyInstanceUid)).Count);
        Assert.Equal(2, (await SopClassesInStudyAsync(_structuredOnly, phantom.Truth.StudyInstanceUid)).Count);
    }

    /// <summary>QIDO-RS: the SOP Class UID (0008,0016) of every instance the server lists in the study.</summary>
    private static async Task<List<string>> SopClassesInStudyAsync(OrthancPeer server, string studyInstanceUid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{server.DicomWebRoot}/studies/{studyInstanceUid}/instances"));
        request.Headers.Accept.ParseAdd("application/dicom+json");
        using var response = await server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(i => i!["00080016"]!["Value"]![0]!.GetValue<string>())];
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _everything.DisposeAsync();
        await _structuredOnly.DisposeAsync();
    }
}
