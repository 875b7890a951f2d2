using Spine.Imaging;

namespace Spine.Training;

/// <summary>One axial slice and its label map, with the case (slab) it came from.</summary>
internal sealed record LabelledSlice(float[] Image, byte[] Labels, string Case);

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

    public int Width { get; }

    public int Height { get; }

    public static SliceSet Load(string datasetFolder, int? limit = null)
    {
        var slices = new List<LabelledSlice>();
        int width = 0, height = 0;
        var images = Directory.EnumerateFiles(Path.Combine(datasetFolder, "imagesTr"), "*_0000.nii.gz").Order(StringComparer.Ordinal).Take(limit ?? int.MaxValue);
        foreach (var imagePath in images)
        {
            var name = Path.GetFileName(imagePath)[..^"_0000.nii.gz".Length];
            var image = Normalization.PercentileScale(Nifti.Read(imagePath));
            var labels = Nifti.Read(Path.Combine(datasetFolder, "labelsTr", name + ".nii.gz"));
            if ((image.SizeI, image.SizeJ, image.SizeK) != (labels.SizeI, labels.SizeJ, labels.SizeK))
            {
                throw new InvalidDataException($"{name}: image and label map differ in size.");
            }

            (width, height) = (image.SizeI, image.SizeJ);
            for (var k = 0; k < image.SizeK; k++)
            {
                slices.Add(new LabelledSlice(image.Slice(k).ToArray(), labels.Slice(k).ToArray().Select(v => (byte)v).ToArray(), name));
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
