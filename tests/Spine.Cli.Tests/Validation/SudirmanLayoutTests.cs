using System.Text.Json.Nodes;
using Spine.Dicom;
using Spine.Evaluation.Formats;
using Spine.Imaging;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests.Validation;

/// <summary>
/// The Sudirman et al. layout, written here from phantom studies as the dataset's description lays it out: per patient
/// the axial T2 slices of the three lowest discs as DICOM (images/PATIENT/NAME.dcm) and a label image per slice
/// (labels/PATIENT/NAME.png), with a missing label image and one holding a value no structure has.
/// </summary>
public sealed class SudirmanLayoutTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, int> SegmenterLabels = Labels.Names;
    private readonly string _root = Directory.CreateTempSubdirectory("spine-sudirman-").FullName;

    /// <summary>Writes two patients' three lowest disc blocks; <paramref name="colour"/> writes RGB label images in the given colours.</summary>
    private List<PhantomStudy> WriteLayout(IReadOnlyDictionary<byte, (byte R, byte G, byte B)>? colour = null)
    {
        var phantoms = new List<PhantomStudy>();
        for (var n = 0; n < 2; n++)
        {
            var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 942000 + n, Distractors = false });
            phantoms.Add(phantom);
            var patient = $"{n + 1:D4}";
            Directory.CreateDirectory(Path.Combine(_root, "images", patient));
            Directory.CreateDirectory(Path.Combine(_root, "labels", patient));
            var axial = phantom.Series.Single(s => s.SeriesInstanceUid == phantom.Truth.AxialT2SeriesInstanceUid).Images;
            foreach (var (slab, truth) in phantom.Slabs.Zip(phantom.Truth.Levels).TakeLast(3))
            {
                for (var k = 0; k < truth.SliceCount; k++)
                {
                    var name = $"{patient}_{truth.FirstInstanceNumber + k:D3}";
                    DicomWriter.WriteFile(Path.Combine(_root, "images", patient, name + ".dcm"), axial.Single(i => i.GetInt32(DicomTags.InstanceNumber) == truth.FirstInstanceNumber + k));
                    var labels = slab.Labels.Slice(k).ToArray();
                    var png = colour is null
                        ? Png.Encode(slab.Labels.SizeI, slab.Labels.SizeJ, labels, channels: 1)
                        : Png.Encode(slab.Labels.SizeI, slab.Labels.SizeJ, [.. labels.SelectMany(l => new[] { colour[l].R, colour[l].G, colour[l].B })]);
                    File.WriteAllBytes(Path.Combine(_root, "labels", patient, name + ".png"), png);
                }
            }
        }

        return phantoms;
    }

    [Fact]
    public void Colour_label_images_are_read_through_the_label_map_file_into_the_phantoms_own_label_maps()
    {
        var colours = new Dictionary<byte, (byte, byte, byte)> { [0] = (0, 0, 0), [1] = (255, 0, 0), [2] = (0, 255, 0), [3] = (0, 0, 255), [4] = (255, 255, 0) };
        var phantoms = WriteLayout(colours);
        File.WriteAllText(Path.Combine(_root, SudirmanLayout.LabelMapFile),
            """{ "intervertebral_disc": "#ff0000", "posterior_element": "#00ff00", "thecal_sac": "#0000FF", "canal_and_foramina": "#ffff00" }""");

        var converted = SudirmanLayout.Convert(_root, Path.Combine(_root, "converted"), SegmenterLabels);

        Assert.Empty(converted.Problems);
        Assert.Equal(["0001_0", "0001_1", "0001_2", "0002_0", "0002_1", "0002_2"], converted.Cases);
        var lowest = phantoms[0].Slabs[^3]; // the lowest three, from the top down: the first block is L3-L4
        var labelMap = Nifti.Read(Path.Combine(_root, "converted", "labelsTr", "0001_0.nii.gz"));
        Assert.Equal(lowest.Labels.Voxels.Select(v => (float)v), labelMap.Voxels);
    }

    [Fact]
    public void A_missing_or_unmappable_label_image_is_named_and_its_block_left_out()
    {
        WriteLayout();
        var patient = Path.Combine(_root, "labels", "0002");
        var labelImages = Directory.GetFiles(patient).Order(StringComparer.Ordinal).ToList();
        File.Delete(labelImages[0]);
        var (width, height, _, pixels) = Png.Decode(File.ReadAllBytes(labelImages[^1]));
        pixels[(3 * width) + 5] = 9;
        File.WriteAllBytes(labelImages[^1], Png.Encode(width, height, pixels, channels: 1));

        var converted = SudirmanLayout.Convert(_root, Path.Combine(_root, "converted"), SegmenterLabels);

        Assert.Equal(["0001_0", "0001_1", "0001_2", "0002_1"], converted.Cases);
        Assert.Equal(
            [
                $"labels/0002/{Path.GetFileName(labelImages[0])}: label image not found: the image's disc block is left out",
                $"labels/0002/{Path.GetFileName(labelImages[^1])}: pixel (5, 3) has value 9, which label-map.json does not map to a structure",
            ],
            converted.Problems.Select(p => p.ToString()));
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.Integration)]
    public async Task Spine_evaluate_recognises_the_layout_and_reports_the_segmenters_dice_per_structure()
    {
        WriteLayout();
        var output = Path.Combine(_root, "out");

        await using var spine = await SpineProcess.RunAsync(["evaluate", "--dataset", _root, "--out", output], TimeSpan.FromMinutes(3));

        Assert.True(spine.ExitCode == 0, spine.StandardError);
        Assert.Contains("the Sudirman layout (label images: Dice only)", spine.StandardError, StringComparison.Ordinal);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "segmentation.json")))!;
        Assert.Equal(6, report["cases"]!.GetValue<int>());
        Assert.Equal(["intervertebral_disc", "posterior_element", "thecal_sac", "canal_and_foramina"], report["diceMeanPerCase"]!.AsObject().Select(p => p.Key));
        Assert.InRange(report["diceMeanPerCase"]!["thecal_sac"]!.GetValue<double>(), 0.85, 1.0);
        Assert.InRange(report["diceMeanPerCase"]!["intervertebral_disc"]!.GetValue<double>(), 0.85, 1.0);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
