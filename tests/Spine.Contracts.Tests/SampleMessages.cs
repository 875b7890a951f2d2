using Spine.Contracts.V1;

namespace Spine.Contracts.Tests;

/// <summary>One fully populated instance of every message, with fixed values, for the golden files.</summary>
internal static class SampleMessages
{
    private static readonly Guid StudyId = Guid.Parse("5f0c7a52-8a51-4c2e-9d0e-1b7a3c1f2e40");
    private static readonly Guid CorrelationId = Guid.Parse("0d9a4b8e-2f6c-4e71-a3b5-7c8d9e0f1a2b");
    private const string StudyUid = "2.25.118394640124357261843210981231235";
    private const string SeriesUid = "2.25.33114876501234987612349876123";
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 30, 0, TimeSpan.Zero);

    private static ObjectRef Object(string key, string contentType, long length) => new()
    {
        Bucket = "spine",
        Key = $"studies/{StudyId:n}/{key}",
        ContentType = contentType,
        Length = length,
        Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    };

    private static readonly IReadOnlyList<SliceSlab> Slabs =
    [
        new() { FirstSlice = 0, SliceCount = 4, Level = SpinalLevel.L5S1, Volume = Object("prepared/slab-0.nii.gz", "application/gzip", 401234), LabelMap = Object("segmentation/slab-0.nii.gz", "application/gzip", 12345), SegmentationConfidence = 0.9612,
            Instances = [.. Enumerable.Range(0, 4).Select(k => new SourceInstance { SopInstanceUid = $"2.25.3311487650123498761234987612{k}", SopClassUid = "1.2.840.10008.5.1.4.1.1.4", InstanceNumber = 13 + k, SlicePositionMm = -120.5 + (4 * k) })] },
        new() { FirstSlice = 4, SliceCount = 4, Level = SpinalLevel.L4L5, Volume = Object("prepared/slab-1.nii.gz", "application/gzip", 398765) },
    ];

    private static readonly ModelInfo Segmenter = new()
    {
        Name = "spine-vnet",
        Version = "1.0.0",
        Sha256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        TrainingData = "synthetic lumbar phantoms only; not clinically validated",
    };

    private static readonly ModelInfo CanalRule = new()
    {
        Name = "central-canal-decision-tree",
        Version = "1.0.0",
        Sha256 = "",
        TrainingData = "synthetic lumbar phantoms only; not clinically validated",
    };

    private static readonly IReadOnlyList<SeriesDecision> Series =
    [
        new() { SeriesInstanceUid = "2.25.33114876501234987612349876122", SeriesNumber = 2, Description = "SAG T2 FSE", Used = false, Reason = "sagittal" },
        new() { SeriesInstanceUid = SeriesUid, SeriesNumber = 3, Description = "AX T2 FSE", Used = true, Reason = "axial, T2-weighted (TR 4200 ms, TE 102 ms), 22 images" },
    ];

    private static IReadOnlyList<LevelReport> Levels(bool explained) =>
    [
        new()
        {
            Level = SpinalLevel.L3L4,
            LevelUncertain = false,
            Slices = Slabs[1],
            Measurements = [],
            Findings = [],
            NotAssessableReason = "no dural sac on the slice through the disc",
        },
        new()
        {
            Level = SpinalLevel.L4L5,
            LevelUncertain = false,
            Slices = Slabs[0],
            ReadOn = new SourceImage { Instance = Slabs[0].Instances![2], Slice = 2 },
            Measurements =
            [
                new() { Name = "dural-sac-area", Value = 62.5, Unit = "mm2" },
                new() { Name = "disc-area", Value = 1450.0, Unit = "mm2" },
                new() { Name = "dural-sac-to-disc-area-ratio", Value = 0.0431, Unit = "1" },
            ],
            Findings =
            [
                new()
                {
                    Kind = FindingKind.CentralCanalStenosis,
                    Side = Side.None,
                    Grade = 3,
                    GradeProbabilities = [0.01, 0.04, 0.15, 0.8],
                    SignificantProbability = 0.95,
                    Measurements = [new() { Name = "dural-sac-area", Value = 62.5, Unit = "mm2" }],
                    Model = CanalRule,
                    Explanation = explained
                        ? new() { Rationale = "dural sac area 62.5 mm2, below the 75 mm2 absolute-stenosis threshold; ratio to disc 0.043", Overlay = Object("overlays/l4-l5-canal.png", "image/png", 48213) }
                        : null,
                },
                new()
                {
                    Kind = FindingKind.ForaminalStenosis,
                    Side = Side.Left,
                    Grade = 1,
                    GradeProbabilities = [0.2, 0.6, 0.15, 0.05],
                    SignificantProbability = 0.2,
                    Measurements = [],
                    Region = new() { Slice = 2, X = 101, Y = 140, Width = 32, Height = 32 },
                    Model = Segmenter with { Name = "spine-foramen-grader" },
                    Explanation = explained
                        ? new()
                        {
                            Rationale = "perineural fat obliterated in two opposing directions",
                            HeatMap = Object("heatmaps/l4-l5-foramen-left.png", "image/png", 9120),
                            Overlay = Object("overlays/l4-l5-foramen-left.png", "image/png", 50110),
                        }
                        : null,
                },
            ],
        },
    ];

    private static StudyReport Report() => new()
    {
        SchemaVersion = ContractInfo.ReportSchemaVersion,
        StudyId = StudyId,
        StudyInstanceUid = StudyUid,
        SeriesInstanceUid = "2.25.33114876501234987612349876123",
        GeneratedAt = At,
        Levels = Levels(explained: true),
        Models = [Segmenter, CanalRule],
        Disclaimer = "Reference models trained on synthetic phantoms only. Not for clinical use.",
        RejectedFiles = [new RejectedFile { Name = "notes.txt", Reason = "not a DICOM file: no DICM prefix at offset 128" }],
        Series = Series,
    };

    public static IReadOnlyDictionary<Type, object> All { get; } = new Dictionary<Type, object>
    {
        [typeof(StudyReceived)] = new StudyReceived
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Source = "folder",
            Manifest = Object("manifest.json", "application/json", 20480),
            InstanceCount = 96,
            RejectedFileCount = 2,
        },
        [typeof(VolumePrepared)] = new VolumePrepared
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            SeriesInstanceUid = "2.25.33114876501234987612349876123",
            SelectionReason = "axial (normal within 8 degrees of the patient's z axis), T2-weighted (TR 4000 ms, TE 100 ms), description 'AX T2'",
            Volume = Object("volume.nii.gz", "application/x-nifti", 8_200_311),
            Slabs = Slabs,
            Manifest = Object("manifest.json", "application/json", 20480),
            Series = Series,
        },
        [typeof(SegmentationCompleted)] = new SegmentationCompleted
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Volume = Object("volume.nii.gz", "application/x-nifti", 8_200_311),
            LabelMap = Object("labels.nii.gz", "application/x-nifti", 91_022),
            Slabs = Slabs,
            Model = Segmenter,
            SeriesInstanceUid = SeriesUid,
            Manifest = Object("manifest.json", "application/json", 20480),
            Series = Series,
        },
        [typeof(FindingsClassified)] = new FindingsClassified
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Volume = Object("volume.nii.gz", "application/x-nifti", 8_200_311),
            LabelMap = Object("labels.nii.gz", "application/x-nifti", 91_022),
            Levels = Levels(explained: false),
            SeriesInstanceUid = SeriesUid,
            Models = [Segmenter],
            Manifest = Object("manifest.json", "application/json", 20480),
            Series = Series,
        },
        [typeof(ExplanationsReady)] = new ExplanationsReady
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Levels = Levels(explained: true),
            SeriesInstanceUid = SeriesUid,
            Models = [Segmenter],
            Manifest = Object("manifest.json", "application/json", 20480),
            Series = Series,
        },
        [typeof(StudyReportPublished)] = new StudyReportPublished
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Report = Report(),
            ReportJson = Object("report.json", "application/json", 12_345),
            ReportHtml = Object("report.html", "text/html", 345_678),
            Manifest = Object("manifest.json", "application/json", 20480),
        },
        [typeof(StudyFailed)] = new StudyFailed
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Stage = PipelineStage.Preprocessing,
            Code = "no-axial-t2-series",
            Reason = "No series is axial and T2-weighted: 2 series examined (sagittal T2; axial T1).",
        },
        [typeof(ExportRequested)] = new ExportRequested
        {
            StudyId = StudyId, StudyInstanceUid = StudyUid, CorrelationId = CorrelationId, OccurredAt = At,
            Destination = "main-pacs",
            RequestedBy = "operations",
        },
    };
}
