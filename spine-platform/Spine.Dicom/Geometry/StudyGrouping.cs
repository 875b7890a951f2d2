namespace Spine.Dicom;

/// <summary>One series of a study, its images in slice order.</summary>
public sealed record SeriesGroup(string SeriesInstanceUid, IReadOnlyList<DicomFile> Instances)
{
    public DicomDataset First => Instances[0].Dataset;

    /// <summary>The orientation of the series' first image, or null when it records no geometry.</summary>
    public PlaneOrientation? Orientation => ImagePlane.From(First)?.Orientation;
}

public sealed record StudyGroup(string StudyInstanceUid, IReadOnlyList<SeriesGroup> Series);

/// <summary>Groups files into studies and series, and orders each series' images along the slice normal.</summary>
public static class StudyGrouping
{
    public static IReadOnlyList<StudyGroup> Group(IEnumerable<DicomFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return files
            .GroupBy(file => file.Dataset.GetString(DicomTags.StudyInstanceUid) ?? string.Empty, StringComparer.Ordinal)
            .OrderBy(study => study.Key, StringComparer.Ordinal)
            .Select(study => new StudyGroup(
                study.Key,
                study.GroupBy(file => file.Dataset.GetString(DicomTags.SeriesInstanceUid) ?? string.Empty, StringComparer.Ordinal)
                    .Select(series => new SeriesGroup(series.Key, InSliceOrder(series.ToList())))
                    .OrderBy(series => series.First.GetInt32(DicomTags.SeriesNumber) ?? int.MaxValue)
                    .ThenBy(series => series.SeriesInstanceUid, StringComparer.Ordinal)
                    .ToList()))
            .ToList();
    }

    /// <summary>
    /// Orders images by their position along the normal of the first image's plane (the direction in which the
    /// stack advances); images without geometry go last, by Instance Number.
    /// </summary>
    public static IReadOnlyList<DicomFile> InSliceOrder(IReadOnlyList<DicomFile> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var planes = images.Select(image => ImagePlane.From(image.Dataset)).ToList();
        var normal = planes.FirstOrDefault(plane => plane is not null)?.Normal;
        return images
            .Select((image, i) => (image, distance: normal is { } n && planes[i] is { } p ? p.Position.Dot(n) : (double?)null))
            .OrderBy(entry => entry.distance is null)
            .ThenBy(entry => entry.distance ?? 0)
            .ThenBy(entry => entry.image.Dataset.GetInt32(DicomTags.InstanceNumber) ?? int.MaxValue)
            .Select(entry => entry.image)
            .ToList();
    }
}
