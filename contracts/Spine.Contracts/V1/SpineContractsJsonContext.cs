using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spine.Contracts.V1;

/// <summary>
/// Source-generated serialization of every v1 contract. Both the bus and the stored documents use it, so the
/// wire shape is one thing, pinned by golden files in the tests.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(StudyReceived))]
[JsonSerializable(typeof(VolumePrepared))]
[JsonSerializable(typeof(SegmentationCompleted))]
[JsonSerializable(typeof(FindingsClassified))]
[JsonSerializable(typeof(ExplanationsReady))]
[JsonSerializable(typeof(StudyReportPublished))]
[JsonSerializable(typeof(StudyFailed))]
[JsonSerializable(typeof(ExportRequested))]
[JsonSerializable(typeof(StudyManifest))]
[JsonSerializable(typeof(StudyReport))]
public sealed partial class SpineContractsJsonContext : JsonSerializerContext;
