using System.Text.Json.Serialization;

namespace Spine.Contracts.V1;

/// <summary>The stages a study passes through, in order.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PipelineStage>))]
public enum PipelineStage
{
    [JsonStringEnumMemberName("ingestion")] Ingestion,
    [JsonStringEnumMemberName("preprocessing")] Preprocessing,
    [JsonStringEnumMemberName("segmentation")] Segmentation,
    [JsonStringEnumMemberName("classification")] Classification,
    [JsonStringEnumMemberName("explanation")] Explanation,
    [JsonStringEnumMemberName("reporting")] Reporting,
}

/// <summary>
/// Lumbar disc levels, cranial to caudal. T12-L1 and S1-S2 (added in 1.3) name the discs beyond the usual five: the
/// thoracolumbar disc when a study covers it, and the disc under a lumbarised S1 (transitional anatomy).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpinalLevel>))]
public enum SpinalLevel
{
    [JsonStringEnumMemberName("T12-L1")] T12L1 = -1,
    [JsonStringEnumMemberName("L1-L2")] L1L2,
    [JsonStringEnumMemberName("L2-L3")] L2L3,
    [JsonStringEnumMemberName("L3-L4")] L3L4,
    [JsonStringEnumMemberName("L4-L5")] L4L5,
    [JsonStringEnumMemberName("L5-S1")] L5S1,
    [JsonStringEnumMemberName("S1-S2")] S1S2,
}

/// <summary>The names of disc levels as radiologists write them (and as they travel in JSON).</summary>
public static class SpinalLevels
{
    public static string Name(this SpinalLevel level) => level switch
    {
        SpinalLevel.T12L1 => "T12-L1",
        SpinalLevel.L1L2 => "L1-L2",
        SpinalLevel.L2L3 => "L2-L3",
        SpinalLevel.L3L4 => "L3-L4",
        SpinalLevel.L4L5 => "L4-L5",
        SpinalLevel.L5S1 => "L5-S1",
        SpinalLevel.S1S2 => "S1-S2",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a disc level"),
    };
}

/// <summary>What is graded at each level.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingKind>))]
public enum FindingKind
{
    /// <summary>Lee et al. 2011, axial T2.</summary>
    [JsonStringEnumMemberName("central-canal-stenosis")] CentralCanalStenosis,

    /// <summary>Lee et al. 2010.</summary>
    [JsonStringEnumMemberName("foraminal-stenosis")] ForaminalStenosis,

    /// <summary>Pathria / Weishaupt.</summary>
    [JsonStringEnumMemberName("facet-arthropathy")] FacetArthropathy,
}

[JsonConverter(typeof(JsonStringEnumConverter<Side>))]
public enum Side
{
    /// <summary>Midline findings (central canal).</summary>
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("left")] Left,
    [JsonStringEnumMemberName("right")] Right,
}
