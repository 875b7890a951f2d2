namespace Spine.Platform.Archive;

/// <summary>The query level of a QIDO-RS request.</summary>
public enum QueryLevel
{
    Study,
    Series,
    Instance,
}

/// <summary>
/// One QIDO-RS query: its level, the study and series it is scoped to (from the URL), the matching keys with their
/// values as PS3.4 C.2.2.2 writes them (single value, wildcards * and ?, UID lists, date ranges), and paging.
/// </summary>
public sealed record ArchiveQuery
{
    public required QueryLevel Level { get; init; }
    public string? StudyInstanceUid { get; init; }
    public string? SeriesInstanceUid { get; init; }

    /// <summary>Matching keys by attribute keyword (PatientName, StudyDate...), as <see cref="DicomArchiveKeys"/> names them.</summary>
    public IReadOnlyDictionary<string, string> Match { get; init; } = new Dictionary<string, string>();

    public int Offset { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>The DICOM instances the platform holds, for DICOMweb: indexing as they are stored, and querying.</summary>
public interface IDicomArchive
{
    /// <summary>Indexes instances; one already indexed (by SOP Instance UID) is left as it is, so a resend adds nothing.</summary>
    Task AddAsync(IReadOnlyList<ArchivedInstance> instances, CancellationToken cancellationToken = default);

    /// <summary>
    /// The instances of the matching studies, series or instances, a page of <see cref="ArchiveQuery.Limit"/> of them
    /// at that level (studies newest first, series and instances by number), with every instance of each so that
    /// counts and modalities can be given.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<ArchivedInstance>>> QueryAsync(ArchiveQuery query, CancellationToken cancellationToken = default);

    /// <summary>The instances of a study, of one series of it, or one instance; empty when none is held.</summary>
    Task<IReadOnlyList<ArchivedInstance>> FindAsync(string studyInstanceUid, string? seriesInstanceUid = null, string? sopInstanceUid = null, CancellationToken cancellationToken = default);
}
