using System.Text.Json;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>Reads the manifest ingestion stored for a study, from the reference the messages carry.</summary>
internal static class StudyManifests
{
    /// <summary>The manifest <paramref name="reference"/> points to; null when there is none.</summary>
    /// <remarks>
    /// Messages from senders before contracts 1.3 carry no reference: for those the manifest is looked up where
    /// ingestion stores it, so a study in flight during an upgrade is still reported whole.
    /// </remarks>
    public static async Task<StudyManifest?> ReadAsync(IObjectStore store, ObjectRef? reference, Guid studyId, CancellationToken cancellationToken)
    {
        if ((reference ?? await store.StatAsync(StudyKeys.Manifest(studyId), cancellationToken)) is not { } found)
        {
            return null;
        }

        await using var stream = await store.OpenReadAsync(found, cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, SpineContractsJsonContext.Default.StudyManifest, cancellationToken);
    }

    /// <summary>The header of one instance of the analysed series (pixels not read), for the patient and study modules of the result objects.</summary>
    public static async Task<DicomDataset> SourceHeaderAsync(IObjectStore store, StudyReport report, ObjectRef? manifestReference, CancellationToken cancellationToken)
    {
        var manifest = await ReadAsync(store, manifestReference, report.StudyId, cancellationToken)
            ?? throw new InvalidDataException($"study {report.StudyId}: no manifest to take the patient and study modules from.");
        return await SourceHeaderAsync(store, report, manifest, cancellationToken);
    }

    /// <summary>The header of one instance of the analysed series, from a manifest already read.</summary>
    public static async Task<DicomDataset> SourceHeaderAsync(IObjectStore store, StudyReport report, StudyManifest manifest, CancellationToken cancellationToken)
    {
        var instance = manifest.Instances.FirstOrDefault(i => i.SeriesInstanceUid == report.SeriesInstanceUid) ?? manifest.Instances[0];
        return DicomFile.Read(await store.ReadAllBytesAsync(instance.Object, cancellationToken), options: new DicomReadOptions { StopBeforePixelData = true }).Dataset;
    }
}
