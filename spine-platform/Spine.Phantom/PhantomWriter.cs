using System.Globalization;
using System.Text.Json;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Phantom;

/// <summary>Writes a generated study as a folder: DICOM files per series, a label map per slab, and the ground truth.</summary>
public static class PhantomWriter
{
    public const string GroundTruthFile = "ground-truth.json";

    /// <summary>
    /// Writes <c>dicom/SERIES/IM0001.dcm...</c>, <c>labels/LEVEL.nii.gz</c> (one per slab of the axial T2 series: the
    /// slabs are angled differently, so no single NIfTI affine can hold them) and <c>ground-truth.json</c>.
    /// </summary>
    public static void WriteStudy(PhantomStudy study, string folder)
    {
        ArgumentNullException.ThrowIfNull(study);
        foreach (var series in study.Series)
        {
            var seriesFolder = Path.Combine(folder, "dicom", series.Folder);
            Directory.CreateDirectory(seriesFolder);
            foreach (var image in series.Images)
            {
                var instance = image.GetInt32(DicomTags.InstanceNumber) ?? 0;
                DicomWriter.WriteFile(Path.Combine(seriesFolder, string.Create(CultureInfo.InvariantCulture, $"IM{instance:D4}.dcm")), image);
            }
        }

        Directory.CreateDirectory(Path.Combine(folder, "labels"));
        foreach (var (slab, truth) in study.Slabs.Zip(study.Truth.Levels))
        {
            Nifti.Write(Path.Combine(folder, truth.LabelMap), slab.Labels, $"Spine phantom labels {PhantomGenerator.LevelName(slab.Level)}");
        }

        File.WriteAllText(Path.Combine(folder, GroundTruthFile), JsonSerializer.Serialize(study.Truth, PhantomJsonContext.Default.GroundTruth));
    }

    public static GroundTruth ReadGroundTruth(string folder) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(folder, GroundTruthFile)), PhantomJsonContext.Default.GroundTruth)
        ?? throw new InvalidDataException($"{Path.Combine(folder, GroundTruthFile)} is empty.");
}
