using Spine.Imaging;

namespace Spine.Evaluation;

/// <summary>One case of a dataset in the nnU-Net layout, as the pipeline presents a slab to the models.</summary>
/// <param name="Image">The slab on the models' in-plane grid, normalised as preprocessing does (0.5th and 99.5th percentiles to 0 and 1).</param>
/// <param name="Labels">Its reference label map on the same grid (nearest label).</param>
/// <param name="ToNative">Pixels of the models' grid to pixels of the case's own (reference boxes are in the latter).</param>
public sealed record DatasetSlab(Volume<float> Image, Volume<float> Labels, double ToNative);

/// <summary>Reads a case (imagesTr/CASE_0000.nii.gz and labelsTr/CASE.nii.gz) onto the models' spacing, for training and evaluation alike.</summary>
public static class DatasetSlabs
{
    public static DatasetSlab Read(string datasetFolder, string caseName, double spacingMm)
    {
        ArgumentNullException.ThrowIfNull(datasetFolder);
        var native = Nifti.Read(Path.Combine(datasetFolder, "imagesTr", caseName + "_0000.nii.gz"));
        var labels = Nifti.Read(Path.Combine(datasetFolder, "labelsTr", caseName + ".nii.gz"));
        if ((native.SizeI, native.SizeJ, native.SizeK) != (labels.SizeI, labels.SizeJ, labels.SizeK))
        {
            throw new InvalidDataException($"{caseName}: image ({native.SizeI}x{native.SizeJ}x{native.SizeK}) and label map ({labels.SizeI}x{labels.SizeJ}x{labels.SizeK}) differ in size.");
        }

        return new DatasetSlab(
            Normalization.PercentileScale(OnGrid(native, spacingMm, Interpolation.Linear)),
            OnGrid(labels, spacingMm, Interpolation.Nearest),
            spacingMm / native.Geometry.SpacingI);
    }

    private static Volume<float> OnGrid(Volume<float> volume, double spacing, Interpolation interpolation) =>
        Math.Abs(volume.Geometry.SpacingI - spacing) < 1e-6 && Math.Abs(volume.Geometry.SpacingJ - spacing) < 1e-6
            ? volume
            : Resampling.ToInPlaneSpacing(volume, spacing, interpolation);
}
