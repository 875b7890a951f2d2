using Spine.Contracts.V1;

namespace Spine.Reporting.Tests;

/// <summary>A report with one level of four findings (one overlay present, one missing), for the renderings' tests.</summary>
internal static class SampleReports
{
    public static readonly ObjectRef Overlay = new() { Bucket = "b", Key = "overlay.png", ContentType = "image/png", Length = 4, Sha256 = new string('0', 64) };
    public static readonly ObjectRef Missing = Overlay with { Key = "missing.png" };

    private static ModelInfo Model(string name) => new() { Name = name, Version = "0.1.0", Sha256 = new string('a', 64), TrainingData = "synthetic phantoms only" };

    private static Finding Finding(FindingKind kind, Side side, int grade, ObjectRef? overlay = null) => new()
    {
        Kind = kind,
        Side = side,
        Grade = grade,
        GradeProbabilities = Enumerable.Range(0, 4).Select(g => g == grade ? 0.7 : 0.1).ToList(),
        SignificantProbability = grade >= 2 ? 0.8 : 0.2,
        Measurements = [],
        Model = Model("spine-bit <script>alert(1)</script>"),
        Explanation = new FindingExplanation { Rationale = $"rationale of {kind} {side}", Overlay = overlay },
    };

    public static StudyReport Report() => new()
    {
        SchemaVersion = "1.0",
        StudyId = Guid.Parse("0190b3a2-0000-7000-8000-000000000001"),
        StudyInstanceUid = "2.25.1",
        SeriesInstanceUid = "2.25.2",
        GeneratedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        Disclaimer = "Trained on synthetic phantoms only. Not for clinical use.",
        Models = [Model("spine-vnet-segmenter")],
        Series = [new SeriesDecision { SeriesInstanceUid = "2.25.2", SeriesNumber = 3, Description = "AX T2", Used = true, Reason = "axial T2" }],
        Levels =
        [
            new LevelReport
            {
                Level = SpinalLevel.L4L5,
                LevelUncertain = true,
                Slices = new SliceSlab { FirstSlice = 0, SliceCount = 4 },
                ReadOn = new SourceImage { Instance = new SourceInstance { SopInstanceUid = "2.25.3", SopClassUid = "1.2.840.10008.5.1.4.1.1.4", InstanceNumber = 14, SlicePositionMm = -112.44 }, Slice = 2 },
                Measurements = [new Measurement { Name = "dural sac area", Value = 62.4, Unit = "mm2" }, new Measurement { Name = "dural sac / disc area ratio", Value = 0.1312, Unit = "1" }],
                Findings =
                [
                    Finding(FindingKind.CentralCanalStenosis, Side.None, 3, Overlay),
                    Finding(FindingKind.ForaminalStenosis, Side.Left, 2, Missing),
                    Finding(FindingKind.ForaminalStenosis, Side.Right, 0),
                    Finding(FindingKind.FacetArthropathy, Side.Left, 1),
                ],
            },
        ],
    };
}
