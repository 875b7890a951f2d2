namespace Spine.Contracts.V1;

/// <summary>The structured report of one study: the body of <see cref="StudyReportPublished"/>.</summary>
public sealed record StudyReport
{
    /// <summary>Version of this schema; additive changes keep the major version.</summary>
    public required string SchemaVersion { get; init; }

    public required Guid StudyId { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>One entry per disc level covered by the study, cranial to caudal.</summary>
    public required IReadOnlyList<LevelReport> Levels { get; init; }

    /// <summary>Every model that contributed, with what it was trained on.</summary>
    public required IReadOnlyList<ModelInfo> Models { get; init; }

    /// <summary>Intended-use statement of the models; for the reference models, that they were trained on synthetic phantoms only.</summary>
    public required string Disclaimer { get; init; }

    /// <summary>Files received with the study that were skipped (not DICOM, broken, without UIDs), with the reason; empty when none. Added in 1.2.</summary>
    public IReadOnlyList<RejectedFile>? RejectedFiles { get; init; }

    /// <summary>Every series of the study: the one read, and each one turned away with the reason. Added in 1.3.</summary>
    public IReadOnlyList<SeriesDecision>? Series { get; init; }
}

/// <summary>All findings at one disc level.</summary>
public sealed record LevelReport
{
    public required SpinalLevel Level { get; init; }

    /// <summary>True when the level was assigned from fewer than five covered discs, so the label may be off by one.</summary>
    public required bool LevelUncertain { get; init; }

    /// <summary>Slices of the prepared volume that belong to this level.</summary>
    public required SliceSlab Slices { get; init; }

    /// <summary>Level-wide measurements (dural sac area, disc area, their ratio, AP diameter).</summary>
    public required IReadOnlyList<Measurement> Measurements { get; init; }

    /// <summary>Central canal, left and right foramen, left and right facet; empty when the level is not assessable.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>
    /// Why nothing is graded at this level (no dural sac found, anatomy implausible, the segmenter unsure, an
    /// artefact); null when it is graded. The other levels of the study are reported as usual. Added in 1.3.
    /// </summary>
    public string? NotAssessableReason { get; init; }

    /// <summary>
    /// The source image the level's measurements and grades were read on (the slice through the disc's mid-plane),
    /// with its slice index in the prepared volume. Added in 1.4; null when the slab's instances are unknown.
    /// </summary>
    public SourceImage? ReadOn { get; init; }
}

/// <summary>A source instance and the slice of the prepared volume it became. Added in 1.4.</summary>
public sealed record SourceImage
{
    public required SourceInstance Instance { get; init; }
    public required int Slice { get; init; }
}

/// <summary>One graded finding: grade 0 normal, 1 mild, 2 moderate, 3 severe.</summary>
public sealed record Finding
{
    public required FindingKind Kind { get; init; }
    public required Side Side { get; init; }

    /// <summary>0 normal, 1 mild, 2 moderate, 3 severe.</summary>
    public required int Grade { get; init; }

    /// <summary>Probabilities of grades 0 to 3, in that order; they sum to 1.</summary>
    public required IReadOnlyList<double> GradeProbabilities { get; init; }

    /// <summary>P(grade >= 2), "moderate or worse": the binary figure that AUROCs are computed on.</summary>
    public required double SignificantProbability { get; init; }

    public required IReadOnlyList<Measurement> Measurements { get; init; }

    /// <summary>Where the finding was assessed, in voxel coordinates of the prepared volume; null for level-wide findings.</summary>
    public RegionBox? Region { get; init; }

    /// <summary>The model (or rule) that gave the grade.</summary>
    public required ModelInfo Model { get; init; }

    /// <summary>Filled in by the explanation stage; null before it.</summary>
    public FindingExplanation? Explanation { get; init; }
}

/// <summary>A measured value with its UCUM unit ("mm2", "mm", "1" for ratios).</summary>
public sealed record Measurement
{
    public required string Name { get; init; }
    public required double Value { get; init; }
    public required string Unit { get; init; }
}

/// <summary>Axis-aligned box on one slice, in voxels of the prepared volume.</summary>
public sealed record RegionBox
{
    public required int Slice { get; init; }
    public required int X { get; init; }
    public required int Y { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
}

/// <summary>Why a finding got its grade.</summary>
public sealed record FindingExplanation
{
    /// <summary>A sentence from the measurements and the rule, for example "dural sac area 62 mm2, below the 75 mm2 absolute-stenosis threshold".</summary>
    public required string Rationale { get; init; }

    /// <summary>PNG: class activation heat map of the grading CNN; null for rule-based grades.</summary>
    public ObjectRef? HeatMap { get; init; }

    /// <summary>PNG: the slice with mask contours, region box and heat map.</summary>
    public ObjectRef? Overlay { get; init; }
}

/// <summary>Identifies a model and says what it was trained on.</summary>
public sealed record ModelInfo
{
    public required string Name { get; init; }
    public required string Version { get; init; }

    /// <summary>SHA-256 of model.onnx; empty for rules that have no weights file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>For example "synthetic lumbar phantoms only; not clinically validated".</summary>
    public required string TrainingData { get; init; }
}
