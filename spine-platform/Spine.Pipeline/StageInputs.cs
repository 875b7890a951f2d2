using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spine.Contracts.V1;
using Spine.Platform.Storage;

namespace Spine.Pipeline;

/// <summary>
/// Each stage's input message, kept in storage when the stage starts on it (a claim check of its own), so that a study
/// can be run again from any stage it reached without the stages before it. Ingestion has no input message: a study
/// is run again from preprocessing at the earliest.
/// </summary>
public static class StageInputs
{
    /// <summary>The stages a study can be run again from, in pipeline order.</summary>
    public static IReadOnlyList<PipelineStage> Rerunnable { get; } =
        [PipelineStage.Preprocessing, PipelineStage.Segmentation, PipelineStage.Classification, PipelineStage.Explanation, PipelineStage.Reporting];

    public static async Task SaveAsync<TMessage>(IObjectStore store, PipelineStage stage, TMessage message, CancellationToken cancellationToken)
        where TMessage : class, IStudyMessage
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(message);
        var json = JsonSerializer.SerializeToUtf8Bytes(message, (JsonTypeInfo<TMessage>)TypeInfo(stage));
        using var content = new MemoryStream(json, writable: false);
        await store.PutAsync(StudyKeys.StageInput(message.StudyId, stage), content, "application/json", cancellationToken);
    }

    /// <summary>The input the stage last started from for the study; null when the study never reached the stage.</summary>
    public static async Task<IStudyMessage?> LoadAsync(IObjectStore store, Guid studyId, PipelineStage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.StatAsync(StudyKeys.StageInput(studyId, stage), cancellationToken) is not { } stored)
        {
            return null;
        }

        return JsonSerializer.Deserialize(await store.ReadAllBytesAsync(stored, cancellationToken), TypeInfo(stage)) as IStudyMessage
            ?? throw new InvalidDataException($"study {studyId}: the stored input of {stage} is empty.");
    }

    private static JsonTypeInfo TypeInfo(PipelineStage stage) => stage switch
    {
        PipelineStage.Preprocessing => SpineContractsJsonContext.Default.StudyReceived,
        PipelineStage.Segmentation => SpineContractsJsonContext.Default.VolumePrepared,
        PipelineStage.Classification => SpineContractsJsonContext.Default.SegmentationCompleted,
        PipelineStage.Explanation => SpineContractsJsonContext.Default.FindingsClassified,
        PipelineStage.Reporting => SpineContractsJsonContext.Default.ExplanationsReady,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "a study is run again from preprocessing at the earliest."),
    };
}
