using Spine.Dicom;

namespace Spine.Imaging;

/// <summary>Turns DICOM images into volumes: stacks of parallel, evenly spaced slices.</summary>
public static class DicomVolumes
{
    /// <summary>Slices whose normals differ by less than this (degrees) are parallel.</summary>
    public const double ParallelWithinDegrees = 0.5;

    /// <summary>
    /// Splits images (in slice order) into stacks: runs of consecutive images that are parallel and evenly spaced. A
    /// lumbar axial series with one stack angled to each disc gives one stack per disc.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<DicomFile>> SplitIntoStacks(IReadOnlyList<DicomFile> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var stacks = new List<List<(DicomFile Image, ImagePlane Plane)>>();
        foreach (var image in images)
        {
            var plane = ImagePlane.From(image.Dataset)
                ?? throw new DicomFormatException(image.Source, null, DicomTags.ImagePositionPatient, "image has no position, orientation or pixel spacing");
            var current = stacks.Count > 0 ? stacks[^1] : null;
            if (current is not null && Fits(current, plane))
            {
                current.Add((image, plane));
            }
            else
            {
                stacks.Add([(image, plane)]);
            }
        }

        return stacks.Select(stack => (IReadOnlyList<DicomFile>)stack.Select(entry => entry.Image).ToList()).ToList();
    }

    private static bool Fits(List<(DicomFile Image, ImagePlane Plane)> stack, ImagePlane plane)
    {
        var first = stack[0].Plane;
        var angle = Math.Acos(Math.Clamp(Math.Abs(first.Normal.Dot(plane.Normal)), 0, 1)) * 180 / Math.PI;
        if (angle > ParallelWithinDegrees || first.RowSpacing != plane.RowSpacing || first.ColumnSpacing != plane.ColumnSpacing)
        {
            return false;
        }

        if (stack.Count == 1)
        {
            return true;
        }

        var step = stack[1].Plane.Position - first.Position;
        var next = plane.Position - stack[^1].Plane.Position;
        return (next - step).Length < 0.01 * Math.Max(step.Length, 1);
    }

    /// <summary>One stack as a volume of modality values (rescale applied), with its geometry.</summary>
    public static Volume<float> FromStack(IReadOnlyList<DicomFile> stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var planes = stack.Select(image => ImagePlane.From(image.Dataset)!).ToList();
        var geometry = VolumeGeometry.FromStack(planes);
        var first = DicomPixelData.From(stack[0]);
        var volume = new Volume<float>(first.Frame.Columns, first.Frame.Rows, stack.Count, geometry);
        for (var k = 0; k < stack.Count; k++)
        {
            var pixels = k == 0 ? first : DicomPixelData.From(stack[k]);
            if (pixels.Frame.Columns != volume.SizeI || pixels.Frame.Rows != volume.SizeJ || pixels.Frame.SamplesPerPixel != 1)
            {
                throw new DicomFormatException(stack[k].Source, null, DicomTags.Rows, $"slice {k} is {pixels.Frame.Columns}x{pixels.Frame.Rows}; the stack's first slice is {volume.SizeI}x{volume.SizeJ}");
            }

            pixels.GetModalityValues(0).CopyTo(volume.Slice(k));
        }

        return volume;
    }
}
