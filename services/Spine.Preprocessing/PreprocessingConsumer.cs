using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spine.Analysis.Models;
using Spine.Preprocessing;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Pipeline;
using Spine.Platform.Ledger;
using Spine.Platform.Models;
using Spine.Platform.Storage;

namespace Spine.Preprocessing;

/// <summary>
/// StudyReceived to VolumePrepared: reads the stored instances, chooses the axial T2 series (the choice and its reason
/// recorded), splits it into disc slabs named from the sacrum up (a contiguous stack stays whole: segmentation finds
/// its levels), resamples and normalises each as the segmenter's
/// model.json says, and stores each slab as its own NIfTI (plus all slices stacked, for display). A study without a
/// usable axial T2 series ends with StudyFailed "no-axial-t2-series", the reason listing every series' verdict.
/// </summary>
public sealed partial class PreprocessingConsumer(IObjectStore store, IStudyLedger ledger, IOptions<ModelsOptions> models, TimeProvider time, ILogger<PreprocessingConsumer> logger)
    : StudyStage<StudyReceived>(ledger, time, logger)
{
    private readonly Lazy<double> _spacingMm = new(() =>
        (ModelFolder.FindLatest(models.Value.Root, ModelTasks.Segmentation)
            ?? throw new ModelFolderException($"{models.Value.Root}: no segmentation model (Spine:Models:Root)."))
        .Manifest.Input!.SpacingMm);

    protected override PipelineStage Stage => PipelineStage.Preprocessing;

    protected override IObjectStore Store => store;

    protected override async Task<StageResult> RunAsync(StudyReceived message, CancellationToken cancellationToken)
    {
        StudyManifest manifest;
        await using (var stream = await store.OpenReadAsync(message.Manifest, cancellationToken))
        {
            manifest = await JsonSerializer.DeserializeAsync(stream, SpineContractsJsonContext.Default.StudyManifest, cancellationToken)
                ?? throw new InvalidDataException($"study {message.StudyId}: empty manifest.");
        }

        var files = new List<DicomFile>();
        foreach (var instance in manifest.Instances)
        {
            await using var stream = await store.OpenReadAsync(instance.Object, cancellationToken);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes, cancellationToken);
            files.Add(DicomFile.Read(bytes.ToArray(), instance.SopInstanceUid));
        }

        var series = StudyGrouping.Group(files).SingleOrDefault(s => s.StudyInstanceUid == message.StudyInstanceUid)?.Series ?? [];
        var choice = SeriesSelection.Choose(series);
        if (choice.Chosen is null)
        {
            return StageResult.Failed("no-axial-t2-series", choice.Summary);
        }

        var slabs = StudyPreparation.Prepare(choice.Chosen, _spacingMm.Value).Where(s => s.Level is not null || s.ContiguousStack).ToList();
        var described = new List<SliceSlab>();
        var first = 0;
        foreach (var slab in slabs)
        {
            var stored = await NiftiObjects.PutAsync(store, StudyKeys.PreparedSlab(message.StudyId, slab.Index), slab.Image, cancellationToken);
            described.Add(new SliceSlab { FirstSlice = first, SliceCount = slab.Image.SizeK, Level = slab.Level, LevelUncertain = slab.LevelUncertain, ContiguousStack = slab.ContiguousStack, Volume = stored, Instances = slab.Instances });
            first += slab.Image.SizeK;
        }

        var volume = await NiftiObjects.PutAsync(store, StudyKeys.PreparedVolume(message.StudyId), Stacking.Stack(slabs.Select(s => s.Image).ToList()), cancellationToken);
        LogPrepared(logger, message.StudyId, slabs.Count);
        return StageResult.Completed(new VolumePrepared
        {
            StudyId = message.StudyId,
            StudyInstanceUid = message.StudyInstanceUid,
            CorrelationId = message.CorrelationId,
            OccurredAt = Time.GetUtcNow(),
            SeriesInstanceUid = choice.Chosen.SeriesInstanceUid,
            SelectionReason = choice.Summary,
            Volume = volume,
            Slabs = described,
            Manifest = message.Manifest,
            Series = choice.Decisions,
        }, $"{slabs.Count} slabs; {choice.Summary}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} prepared: {Slabs} disc slabs")]
    private static partial void LogPrepared(ILogger logger, Guid studyId, int slabs);
}
