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

/// <summary>Lumbar disc levels, cranial to caudal.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpinalLevel>))]
public enum SpinalLevel
{
    [JsonStringEnumMemberName("L1-L2")] L1L2,
    [JsonStringEnumMemberName("L2-L3")] L2L3,
    [JsonStringEnumMemberName("L3-L4")] L3L4,
    [JsonStringEnumMemberName("L4-L5")] L4L5,
    [JsonStringEnumMemberName("L5-S1")] L5S1,
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
