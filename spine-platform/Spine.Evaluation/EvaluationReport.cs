using System.Text.Json.Serialization;

namespace Spine.Evaluation;

/// <summary>How one 4-grade finding agreed with the reference grades.</summary>
public sealed record FindingScores(
    string Key,
    string Finding,
    string Model,
    int Cases,
    double LinearWeightedKappa,
    double? AurocModerateOrWorse,
    double ExactAgreement,
    double WithinOneGrade,
    int[][] ConfusionMatrix);

/// <summary>How well the rules located a region kind: IoU of the located box with the reference box.</summary>
public sealed record LocalisationScores(string Region, int Regions, double MeanIoU, double MedianIoU, int LocatedFromMasks);

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
