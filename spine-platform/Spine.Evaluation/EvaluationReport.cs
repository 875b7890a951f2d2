using System.Text.Json.Serialization;

namespace Spine.Evaluation;

/// <summary>How one 4-grade finding agreed with the reference grades, each figure with its 95 % bootstrap interval (resampling studies).</summary>
public sealed record FindingScores(
    string Key,
    string Finding,
    string Model,
    int Cases,
    double LinearWeightedKappa,
    double? AurocModerateOrWorse,
    double ExactAgreement,
    double WithinOneGrade,
    int[][] ConfusionMatrix)
{
    /// <summary>The scale the figures are on: 4 grades, or RSNA's 3 (normal/mild, moderate, severe) where readings use it.</summary>
    public int Classes { get; init; } = 4;

    public Interval? KappaInterval { get; init; }
    public Interval? AurocInterval { get; init; }
    public Interval? ExactInterval { get; init; }
    public Interval? WithinOneInterval { get; init; }

    /// <summary>Expected calibration error of P(moderate or worse) (ten bins).</summary>
    public double? ExpectedCalibrationError { get; init; }
    public Interval? CalibrationInterval { get; init; }
    public IReadOnlyList<ReliabilityBin>? Reliability { get; init; }

    /// <summary>RSNA 2024's sample-weighted log loss for this condition (normal/mild, moderate, severe weighted 1, 2, 4).</summary>
    public double? RsnaLogLoss { get; init; }
    public Interval? RsnaInterval { get; init; }

    /// <summary>Reader-vs-reader and model-vs-each-reader agreement, when the dataset has readers' grades.</summary>
    public ReaderAgreement? Readers { get; init; }
}

/// <summary>How well the rules located a region kind: IoU of the located box with the reference box.</summary>
public sealed record LocalisationScores(string Region, int Regions, double MeanIoU, double MedianIoU, int LocatedFromMasks)
{
    public Interval? MeanInterval { get; init; }

    /// <summary>Which reference box: "as seen" (what a reader boxes on the graded slice) or "healthy extent" (phantom 1.x's definition).</summary>
    public string Reference { get; init; } = "healthy extent";
}

/// <summary>One finding's figures on the cases that carry a tag (a variant, an artefact, an acquisition).</summary>
public sealed record BreakdownRow(string Tag, string Key, int Cases, double LinearWeightedKappa, double? AurocModerateOrWorse, double ExactAgreement);

/// <summary>Levels nothing could be graded at, by the reference and by the platform.</summary>
public sealed record Assessability(int NotAssessableByReference, int RefusedAsTheReferenceDid, int GradedAlthoughNotAssessable, int RefusedAlthoughAssessable);

/// <summary>RSNA 2024's metric for the conditions the platform grades; the mean is of these terms only (no subarticular stenosis).</summary>
public sealed record RsnaScores(double? SpinalCanal, double? NeuralForamen, double? AnySevereSpinal, double? MeanOfTheseTerms)
{
    public Interval? SpinalCanalInterval { get; init; }
    public Interval? NeuralForamenInterval { get; init; }
}

/// <summary>The seed paper's figures (Bharadwaj et al., European Radiology 2023), for the table's side column.</summary>
public sealed record PaperFigure(string Metric, double Value);

/// <summary>What <c>spine evaluate</c> reports: the paper's table for the given models on the given dataset.</summary>
public sealed record EvaluationReport
{
    public required string Dataset { get; init; }
    public required int Studies { get; init; }
    public required int Levels { get; init; }
    public required int Slices { get; init; }
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Mean over cases of each structure's Dice on every slice of the case.</summary>
    public required IReadOnlyDictionary<string, double> DiceMeanPerCase { get; init; }

    /// <summary>95 % bootstrap intervals of <see cref="DiceMeanPerCase"/> (resampling studies).</summary>
    public IReadOnlyDictionary<string, Interval>? DiceIntervals { get; init; }

    /// <summary>Replicates of every bootstrap interval in the report.</summary>
    public int BootstrapReplicates { get; init; }

    /// <summary>Localisation against the boxes a reader draws on the graded slice (phantom 2.x); <see cref="Localisation"/> keeps the healthy-extent boxes.</summary>
    public IReadOnlyList<LocalisationScores>? LocalisationAsSeen { get; init; }

    public RsnaScores? Rsna { get; init; }

    public IReadOnlyList<BreakdownRow>? Breakdown { get; init; }

    public Assessability? Assessability { get; init; }

    /// <summary>Dice over all pixels of the dataset together.</summary>
    public required IReadOnlyDictionary<string, double> DicePooled { get; init; }
    public required IReadOnlyList<LocalisationScores> Localisation { get; init; }
    public required IReadOnlyList<FindingScores> Findings { get; init; }

    /// <summary>Mean absolute difference of the measured dural sac area from the reference, mm2; null when no level could be measured.</summary>
    public double? DuralSacAreaMeanAbsoluteErrorMm2 { get; init; }

    /// <summary>Levels whose segmentation held no dural sac on the mid slice: graded as normal with no confidence.</summary>
    public required int LevelsNotMeasurable { get; init; }

    public required double SegmenterMillisecondsPerSlice { get; init; }
    public required double GraderMillisecondsPerRegion { get; init; }
    public IReadOnlyList<PaperFigure> Paper { get; init; } = PaperFigures;

    public static IReadOnlyList<PaperFigure> PaperFigures { get; } =
    [
        new("dice_thecal_sac", 0.93),
        new("dice_intervertebral_disc", 0.94),
        new("iou_foramen", 0.72),
        new("iou_facet", 0.83),
        new("kappa_central_canal_tree", 0.80),
        new("kappa_central_canal_cnn", 0.54),
        new("auroc_foramen", 0.92),
        new("auroc_facet", 0.93),
    ];
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EvaluationReport))]
public sealed partial class EvaluationReportJsonContext : JsonSerializerContext;
