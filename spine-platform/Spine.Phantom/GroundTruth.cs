using System.Text.Json.Serialization;
using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>What a phantom study truly shows: grades and measurements per level, where each region is.</summary>
public sealed record GroundTruth
{
    public required int Seed { get; init; }
    public required string Generator { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required string AxialT2SeriesInstanceUid { get; init; }
    public required double PixelSpacingMm { get; init; }
    public required double SliceThicknessMm { get; init; }
    public required IReadOnlyList<LevelTruth> Levels { get; init; }
    public string Note { get; init; } = "Synthetic phantom: no patient, not for clinical use.";

    /// <summary>Phantom 2.x: the profile the study was drawn from; null for 1.x.</summary>
    public PhantomProfile? Profile { get; init; }

    /// <summary>Phantom 2.x: how it was acquired; null for 1.x (the 1.x acquisition).</summary>
    public Acquisition? Acquisition { get; init; }

    /// <summary>Phantom 2.x: lumbar vertebrae, levels covered, study-wide variants; each level's own are in its truth.</summary>
    public StudyVariants? Variants { get; init; }
}

public sealed record LevelTruth
{
    public required SpinalLevel Level { get; init; }

    /// <summary>The reference grades: 1.x the drawn grades; 2.x the simulated readers' majority (or the grades the caller gave).</summary>
    public required LevelGrades Grades { get; init; }

    /// <summary>Phantom 2.x: each simulated reader's grades (reader 1 is the adjudicator); null for 1.x.</summary>
    public IReadOnlyList<LevelGrades>? Readers { get; init; }

    /// <summary>Phantom 2.x: the latent severity of each finding that readers and signs were drawn from; null for 1.x.</summary>
    public LevelSeverity? Severity { get; init; }

    /// <summary>Phantom 2.x: this level's variants (herniation, synovial cyst, spondylolisthesis...); empty when none.</summary>
    public IReadOnlyList<string>? Variants { get; init; }

    /// <summary>Why nothing can be graded at this level (a metal implant wipes it out); null when it can.</summary>
    public string? NotAssessableReason { get; init; }

    [JsonIgnore]
    public bool Assessable => NotAssessableReason is null;

    /// <summary>Pixel spacing of the slab's images and label map (mm); phantom 2.x varies it by study.</summary>
    public double? PixelSpacingMm { get; init; }

    /// <summary>Instance Number of the slab's first image in the axial T2 series.</summary>
    public required int FirstInstanceNumber { get; init; }
    public required int SliceCount { get; init; }

    /// <summary>Index within the slab of the slice through the disc's mid-plane, where the measurements are taken.</summary>
    public required int MidSlice { get; init; }

    /// <summary>Label map of the slab, relative to the study folder.</summary>
    public required string LabelMap { get; init; }

    /// <summary>Dural sac area on the mid slice's label map (pixels times pixel area): what a perfect segmentation measures.</summary>
    public required double DuralSacAreaMm2 { get; init; }

    /// <summary>The sac's geometric cross-section on the mid slice, resolved below the pixel; differs from the label map's by pixel quantisation (about 1 to 2 % for small sacs).</summary>
    public required double DuralSacAreaExactMm2 { get; init; }
    /// <summary>Disc area on the mid slice's label map.</summary>
    public required double DiscAreaMm2 { get; init; }
    public required double DuralSacApDiameterMm { get; init; }
    public required double DuralSacToDiscAreaRatio { get; init; }
    public required RegionTruth ForamenLeft { get; init; }
    public required RegionTruth ForamenRight { get; init; }
    public required RegionTruth FacetLeft { get; init; }
    public required RegionTruth FacetRight { get; init; }

    /// <summary>
    /// Phantom 2.x: the boxes a reader draws on the graded slice around what is visible: the foramen's fat and root as
    /// they are (the boxes above are the foramen's healthy extent), and the facet joint (its line and the bone either
    /// side, not the whole articular processes).
    /// </summary>
    public RegionTruth? ForamenLeftAsSeen { get; init; }
    public RegionTruth? ForamenRightAsSeen { get; init; }
    public RegionTruth? FacetLeftAsSeen { get; init; }
    public RegionTruth? FacetRightAsSeen { get; init; }
}

/// <summary>A region on the mid slice: centre and box in pixels (column, row), centre in patient coordinates (LPS, mm).</summary>
public sealed record RegionTruth(IReadOnlyList<double> CentrePixel, IReadOnlyList<int> BoxPixels, IReadOnlyList<double> CentrePatientMm);

// Fields that phantom 1.x does not fill are left out, so a 1.x study's ground truth reads as it always did.
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GroundTruth))]
public sealed partial class PhantomJsonContext : JsonSerializerContext;
