using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Analysis.Anatomy;

/// <summary>
/// One axial slice of a label map with its pixel spacing and in-plane axes in patient space (LPS), which say where
/// the patient's left is. Label values follow DESIGN.md: 1 disc, 2 posterior element, 3 thecal sac, 4 canal and foramina.
/// </summary>
public sealed class LabelSlice
{
    public const byte Disc = 1;
    public const byte PosteriorElement = 2;
    public const byte ThecalSac = 3;
    public const byte CanalAndForamina = 4;

    public LabelSlice(byte[] labels, int width, int height, double spacingX, double spacingY, Vector3D axisX, Vector3D axisY)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != width * height)
        {
            throw new ArgumentException($"{labels.Length} labels for a {width}x{height} slice.", nameof(labels));
        }

        (Labels, Width, Height, SpacingX, SpacingY, AxisX, AxisY) = (labels, width, height, spacingX, spacingY, axisX, axisY);
    }

    public byte[] Labels { get; }

    public int Width { get; }

    public int Height { get; }

    public double SpacingX { get; }

    public double SpacingY { get; }

    /// <summary>Patient-space direction of increasing column.</summary>
    public Vector3D AxisX { get; }

    /// <summary>Patient-space direction of increasing row.</summary>
    public Vector3D AxisY { get; }

    public double PixelAreaMm2 => SpacingX * SpacingY;

    public byte this[int x, int y] => Labels[(y * Width) + x];

    public static LabelSlice Of<T>(Volume<T> labels, int k, Func<T, byte> toLabel)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(toLabel);
        var slice = labels.Slice(k);
        var bytes = new byte[slice.Length];
        for (var p = 0; p < bytes.Length; p++)
        {
            bytes[p] = toLabel(slice[p]);
        }

        var g = labels.Geometry;
        return new LabelSlice(bytes, labels.SizeI, labels.SizeJ, g.SpacingI, g.SpacingJ, g.AxisI, g.AxisJ);
    }

    public int Count(byte label)
    {
        var count = 0;
        foreach (var value in Labels)
        {
            count += value == label ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// The slice of a slab through the disc's mid-plane: the one with the most disc pixels. Slices wholly within the
    /// disc tie; then the middle one of the tied slices (the lower of two).
    /// </summary>
    public static int MidDiscSlice<T>(Volume<T> labels, Func<T, byte> toLabel)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(toLabel);
        var counts = new int[labels.SizeK];
        for (var k = 0; k < labels.SizeK; k++)
        {
            foreach (var value in labels.Slice(k))
            {
                counts[k] += toLabel(value) == Disc ? 1 : 0;
            }
        }

        var most = counts.Max();
        var tied = Enumerable.Range(0, counts.Length).Where(k => counts[k] == most).ToList();
        return tied[(tied.Count - 1) / 2];
    }
}
