using Spine.Contracts.V1;
using Spine.Pipeline;
using Spine.Platform.Archive;
using Spine.Platform.Storage;

namespace Spine.Reporting.WebConsole;

/// <summary>
/// A reported study as the console reads it: the stored report and the images of the series it was read on, in the
/// modality's order (Instance Number), each with the level whose slab it belongs to. Slices are addressed by their
/// index here, so that no DICOM UID appears in a URL.
/// </summary>
internal sealed record ConsoleStudy(StudyReport Report, IReadOnlyList<ArchivedInstance> Images)
{
    public static async Task<ConsoleStudy?> LoadAsync(Guid studyId, IObjectStore store, IDicomArchive archive, CancellationToken cancellationToken)
    {
        if (await StoredReports.ReadAsync(store, studyId, cancellationToken) is not { } report)
        {
            return null;
        }

        var images = (await archive.FindAsync(report.StudyInstanceUid, report.SeriesInstanceUid, cancellationToken: cancellationToken))
            .Where(i => i.StudyId == studyId && i.Rows is not null)
            .OrderBy(i => i.InstanceNumber ?? int.MaxValue)
            .ThenBy(i => i.SopInstanceUid, StringComparer.Ordinal)
            .ToList();
        return new ConsoleStudy(report, images);
    }

    /// <summary>The index of an image of the series, by its SOP Instance UID; null when it is not one of them.</summary>
    public int? IndexOf(string sopInstanceUid)
    {
        for (var i = 0; i < Images.Count; i++)
        {
            if (string.Equals(Images[i].SopInstanceUid, sopInstanceUid, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return null;
    }

    public IReadOnlyList<SliceEntry> Slices()
    {
        var levels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var level in Report.Levels)
        {
            foreach (var instance in level.Slices.Instances ?? [])
            {
                levels.TryAdd(instance.SopInstanceUid, level.Level.Name());
            }
        }

        var readOn = Report.Levels.Select(l => l.ReadOn?.Instance.SopInstanceUid).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. Images.Select((image, index) => new SliceEntry(index, image.InstanceNumber ?? 0, levels.GetValueOrDefault(image.SopInstanceUid), readOn.Contains(image.SopInstanceUid)))];
    }

    public IReadOnlyList<LevelView> Levels() =>
    [
        .. Report.Levels.Select(level =>
        {
            var readOn = level.ReadOn is { } image ? IndexOf(image.Instance.SopInstanceUid) : null;
            return new LevelView(level.Level.Name(), level.LevelUncertain, level.NotAssessableReason, readOn, level.Measurements,
            [
                .. level.Findings.Select(f => new FindingView(
                    StudyKeys.FindingName(level.Level, f.Kind, f.Side), f.Kind.ToString(), f.Side.ToString(), f.Grade, ResultObjects.GradeName(f.Grade),
                    f.GradeProbabilities, f.Explanation?.Rationale, f.Measurements, f.Explanation?.HeatMap is not null, f.Explanation?.HeatMap is null ? null : readOn,
                    $"{f.Model.Name} {f.Model.Version}")),
            ]);
        }),
    ];
}
