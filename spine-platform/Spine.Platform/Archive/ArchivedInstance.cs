namespace Spine.Platform.Archive;

/// <summary>
/// One stored DICOM instance as DICOMweb's query service matches it: the study, series and instance attributes of
/// PS3.18's QIDO-RS matching keys, and where its Part 10 file is. Unlike the ledger's studies, this table holds patient
/// data (name, ID, birth date, accession number): it exists for queries by those, is read only behind the `read` role,
/// and is never logged.
/// </summary>
public sealed class ArchivedInstance
{
    public long Id { get; set; }

    /// <summary>The platform's study the instance belongs to (a received instance) or was made for (a result object).</summary>
    public Guid StudyId { get; set; }

    public required string StudyInstanceUid { get; set; }
    public required string SeriesInstanceUid { get; set; }
    public required string SopInstanceUid { get; set; }
    public required string SopClassUid { get; set; }
    public required string TransferSyntaxUid { get; set; }
    public string Modality { get; set; } = "";
    public string PatientName { get; set; } = "";

    /// <summary>The name upper-cased, for case-insensitive matching the same on SQLite and PostgreSQL.</summary>
    public string PatientNameKey { get; set; } = "";

    public string PatientId { get; set; } = "";
    public string PatientBirthDate { get; set; } = "";
    public string PatientSex { get; set; } = "";

    /// <summary>YYYYMMDD as DICOM writes it: ranges compare as text.</summary>
    public string StudyDate { get; set; } = "";

    public string StudyTime { get; set; } = "";
    public string AccessionNumber { get; set; } = "";
    public string StudyDescription { get; set; } = "";

    /// <summary>Study ID (0020,0010), the modality's own number for the study.</summary>
    public string StudyIdentifier { get; set; } = "";

    public string ReferringPhysicianName { get; set; } = "";
    public string SeriesDescription { get; set; } = "";
    public int? SeriesNumber { get; set; }
    public int? InstanceNumber { get; set; }
    public int? Rows { get; set; }
    public int? Columns { get; set; }
    public int? NumberOfFrames { get; set; }

    /// <summary>Where the Part 10 file is in the object store, with its length and SHA-256 (the store checks it on reading).</summary>
    public required string Bucket { get; set; }

    public required string ObjectKey { get; set; }
    public long Length { get; set; }
    public required string Sha256 { get; set; }
}
