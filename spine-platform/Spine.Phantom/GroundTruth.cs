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
}

public sealed record LevelTruth
{
    public required SpinalLevel Level { get; init; }
    public required LevelGrades Grades { get; init; }

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
}

/// <summary>A region on the mid slice: centre and box in pixels (column, row), centre in patient coordinates (LPS, mm).</summary>
public sealed record RegionTruth(IReadOnlyList<double> CentrePixel, IReadOnlyList<int> BoxPixels, IReadOnlyList<double> CentrePatientMm);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(GroundTruth))]
public sealed partial class PhantomJsonContext : JsonSerializerContext;
