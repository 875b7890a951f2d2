using Spine.Dicom;
using Spine.Dicom.Segmentation;
using Spine.Imaging;
using Spine.Pipeline;
using Spine.Platform.Archive;
using Spine.Platform.Storage;

namespace Spine.Reporting.WebConsole;

/// <summary>How the viewer asks for an image: a window (centre and width, in the image's modality values; none: the
/// 1st to 99th percentiles), the segmentation's outline, and one finding's heat map.</summary>
internal sealed record SliceLayers(double? Center, double? Width, bool Outline, string? HeatMap);

/// <summary>The rendered image, and which side of the patient its right edge faces ("L", "R", or empty when neither).</summary>
internal sealed record RenderedSlice(byte[] Png, string RightEdge);

/// <summary>
/// One image of the source series as the study viewer shows it: windowed, with the outline of each structure the
/// stored DICOM SEG holds on that image, and the selected finding's class activation map carried from the model's grid
/// onto the image's (it lies on the one image the finding was graded on; elsewhere there is none to show).
/// </summary>
internal static class ConsoleSlice
{
    public static async Task<RenderedSlice> RenderPngAsync(ConsoleStudy study, int index, SliceLayers layers, IObjectStore store, CancellationToken cancellationToken)
    {
        var image = study.Images[index];
        var file = DicomFile.Read(await store.ReadAllBytesAsync(ArchiveEntries.ObjectOf(image), cancellationToken), $"slice {index}");
        var pixels = DicomPixelData.From(file);
        var (columns, rows) = (pixels.Frame.Columns, pixels.Frame.Rows);
        if (pixels.Frame.SamplesPerPixel != 1)
        {
            throw new InvalidDataException($"slice {index}: {pixels.Frame.SamplesPerPixel} samples per pixel; the viewer shows greyscale images.");
        }

        var plane = ImagePlane.From(file.Dataset);
        var geometry = plane is null ? FlatGeometry : VolumeGeometry.FromStack([plane]);
        var volume = new Volume<float>(columns, rows, 1, geometry, pixels.GetModalityValues(0));
        var labels = layers.Outline ? await OutlineAsync(study, image.SopInstanceUid, columns, rows, geometry, store, cancellationToken) : null;
        var heat = layers.HeatMap is { } name && plane is not null ? await HeatAsync(study, name, columns, rows, geometry, store, cancellationToken) : null;
        var renderer = layers is { Center: { } center, Width: { } width and > 0 }
            ? new SliceRenderer { WindowLow = (float)(center - (width / 2)), WindowHigh = (float)(center + (width / 2)) }
            : new SliceRenderer();
        return new RenderedSlice(renderer.RenderPng(volume, 0, labels, heat), RightEdge(plane));
    }

    /// <summary>Patient coordinates run to the patient's left (+x): columns that advance toward it put L at the right edge.</summary>
    private static string RightEdge(ImagePlane? plane) => plane?.RowDirection.X switch
    {
        > 0.5 => "L",
        < -0.5 => "R",
        _ => "",
    };

    private static readonly VolumeGeometry FlatGeometry = new(default, new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), new Vector3D(0, 0, 1), 1, 1, 1);

    /// <summary>The SEG's frames on this image as one label map (segment numbers are label values); null when it has none.</summary>
    private static async Task<Volume<byte>?> OutlineAsync(ConsoleStudy study, string sopInstanceUid, int columns, int rows, VolumeGeometry geometry, IObjectStore store, CancellationToken cancellationToken)
    {
        if (await store.StatAsync(StudyKeys.ReportSeg(study.Report.StudyId), cancellationToken) is not { } stored)
        {
            return null;
        }

        var seg = Segmentations.Read(DicomFile.Read(await store.ReadAllBytesAsync(stored, cancellationToken), "segmentation").Dataset);
        if (seg.Rows != rows || seg.Columns != columns)
        {
            return null;
        }

        var labels = new Volume<byte>(columns, rows, 1, geometry);
        foreach (var frame in seg.Frames.Where(f => string.Equals(f.Source.SopInstanceUid, sopInstanceUid, StringComparison.Ordinal)))
        {
            var mask = frame.Mask.Span;
            for (var p = 0; p < mask.Length; p++)
            {
                if (mask[p] != 0)
                {
                    labels.Voxels[p] = (byte)frame.SegmentNumber;
                }
            }
        }

        return labels;
    }

    /// <summary>The finding's activation map on this image's grid (nearest value); null when none was stored or none reaches this image.</summary>
    private static async Task<float[]?> HeatAsync(ConsoleStudy study, string findingName, int columns, int rows, VolumeGeometry geometry, IObjectStore store, CancellationToken cancellationToken)
    {
        if (await store.StatAsync(StudyKeys.ActivationMap(study.Report.StudyId, findingName), cancellationToken) is not { } stored)
        {
            return null;
        }

        var map = await NiftiObjects.ReadAsync(store, stored, cancellationToken);
        var heat = Resampling.Resample(map, geometry, columns, rows, 1, Interpolation.Nearest).Voxels;
        return heat.Any(v => v > 0) ? heat : null;
    }
}
