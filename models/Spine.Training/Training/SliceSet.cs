using Spine.Evaluation;

namespace Spine.Training;

/// <summary>One axial slice and its label map (<paramref name="Width"/> x <paramref name="Height"/>), with the case (slab) it came from.</summary>
internal sealed record LabelledSlice(float[] Image, byte[] Labels, string Case, int Width, int Height)
{
    /// <summary>The <paramref name="size"/> x <paramref name="size"/> square at the slice's centre (zero beyond its edges).</summary>
    public (float[] Image, byte[] Labels) Centre(int size)
    {
        var (image, labels) = (new float[size * size], new byte[size * size]);
        var (x0, y0) = ((Width - size) / 2, (Height - size) / 2);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (sx, sy) = (x0 + x, y0 + y);
                if ((uint)sx < (uint)Width && (uint)sy < (uint)Height)
                {
                    (image[(y * size) + x], labels[(y * size) + x]) = (Image[(sy * Width) + sx], Labels[(sy * Width) + sx]);
                }
            }
        }

        return (image, labels);
    }
}

/// <summary>Axial slices and their label maps from a dataset in the nnU-Net layout, normalised as the model expects.</summary>
internal sealed class SliceSet
{
    public const string Normalisation = "per slab: 0.5th and 99.5th percentiles mapped to 0 and 1, clipped";

    private SliceSet(IReadOnlyList<LabelledSlice> slices, int width, int height)
    {
        Slices = slices;
        Width = width;
        Height = height;
    }

    public IReadOnlyList<LabelledSlice> Slices { get; }

    /// <summary>The smallest slice width in the set (slices differ in size when cases differ in field of view).</summary>
    public int Width { get; }

    /// <summary>The smallest slice height in the set.</summary>
    public int Height { get; }

    /// <summary>The in-plane spacing the reference models work at (mm); every case is resampled to it, as preprocessing does.</summary>
    public const double SpacingMm = 0.6875;

    public static SliceSet Load(string datasetFolder, int? limit = null)
    {
        var slices = new List<LabelledSlice>();
        int width = int.MaxValue, height = int.MaxValue;
        // A level under a metal artefact keeps its anatomy in the label map, which the image no longer shows: trained on
        // it, the segmenter learns to paint a sac into the void, and the pipeline then grades what nobody can see.
        var unreadable = File.Exists(Path.Combine(datasetFolder, "grades.json"))
            ? CanalTreeTrainer.ReadCases(datasetFolder).Where(c => !c.Truth.Assessable).Select(c => c.Case).ToHashSet(StringComparer.Ordinal)
            : [];
        var images = Directory.EnumerateFiles(Path.Combine(datasetFolder, "imagesTr"), "*_0000.nii.gz").Order(StringComparer.Ordinal).Take(limit ?? int.MaxValue);
        foreach (var imagePath in images)
        {
            var name = Path.GetFileName(imagePath)[..^"_0000.nii.gz".Length];
            if (unreadable.Contains(name))
            {
                continue;
            }

            var (image, labels, _) = DatasetSlabs.Read(datasetFolder, name, SpacingMm);
            (width, height) = (Math.Min(width, image.SizeI), Math.Min(height, image.SizeJ));
            for (var k = 0; k < image.SizeK; k++)
            {
                slices.Add(new LabelledSlice(image.Slice(k).ToArray(), labels.Slice(k).ToArray().Select(v => (byte)v).ToArray(), name, image.SizeI, image.SizeJ));
            }
        }

        return slices.Count > 0 ? new SliceSet(slices, width, height) : throw new InvalidDataException($"{datasetFolder} holds no imagesTr/*_0000.nii.gz cases.");
    }

    /// <summary>
    /// Holds out the last <paramref name="fraction"/> of the cases in name order (the highest seeds: whole studies, as
    /// case names begin with the seed) for validation; at least one case stays on each side when there are two or more.
    /// </summary>
    public (IReadOnlyList<LabelledSlice> Training, IReadOnlyList<LabelledSlice> Validation) Split(double fraction)
    {
        var cases = Slices.Select(s => s.Case).Distinct().Order(StringComparer.Ordinal).ToList();
        if (cases.Count < 2 || fraction <= 0)
        {
            return (Slices, []);
        }

        var validation = cases.Skip(Math.Clamp((int)Math.Round(cases.Count * (1 - fraction)), 1, cases.Count - 1)).ToHashSet(StringComparer.Ordinal);
        return (Slices.Where(s => !validation.Contains(s.Case)).ToList(), Slices.Where(s => validation.Contains(s.Case)).ToList());
    }
}
