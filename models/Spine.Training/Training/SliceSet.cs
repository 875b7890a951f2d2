using Spine.Imaging;

namespace Spine.Training;

/// <summary>Axial slices and their label maps from a dataset in the nnU-Net layout, normalised as the model expects.</summary>
internal sealed class SliceSet
{
    public const string Normalisation = "per slab: 0.5th and 99.5th percentiles mapped to 0 and 1, clipped";

    private SliceSet(List<(float[] Image, byte[] Labels)> slices, int width, int height)
    {
        Slices = slices;
        Width = width;
        Height = height;
    }

    public IReadOnlyList<(float[] Image, byte[] Labels)> Slices { get; }

    public int Width { get; }

    public int Height { get; }

    public static SliceSet Load(string datasetFolder, int? limit = null)
    {
        var slices = new List<(float[], byte[])>();
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
                slices.Add((image.Slice(k).ToArray(), labels.Slice(k).ToArray().Select(v => (byte)v).ToArray()));
            }
        }

        return slices.Count > 0 ? new SliceSet(slices, width, height) : throw new InvalidDataException($"{datasetFolder} holds no imagesTr/*_0000.nii.gz cases.");
    }
}
