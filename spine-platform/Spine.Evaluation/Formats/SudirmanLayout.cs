using System.Globalization;
using System.Text.Json;
using Spine.Dicom;
using Spine.Evaluation.Validation;
using Spine.Imaging;

namespace Spine.Evaluation.Formats;

/// <summary>What converting a Sudirman-layout dataset gave: the cases written and every file that could not be used.</summary>
public sealed record ConvertedDataset(string Folder, IReadOnlyList<string> Cases, IReadOnlyList<InputProblem> Problems, IReadOnlyDictionary<string, int> Labels);

/// <summary>
/// Reads the axial lumbar dataset of Sudirman, Natalia et al. (docs/formats/sudirman.md) into the nnU-Net layout the
/// evaluation reads: <c>images/PATIENT/NAME.dcm</c> (or .ima: the axial T2 slices of the patient's three lowest discs)
/// beside <c>labels/PATIENT/NAME.png</c> (a label image per slice, same name), each disc block of a patient a case.
/// The label images' pixel values are mapped to the platform's structures by <see cref="DefaultPixelValues"/>, or by a
/// <c>label-map.json</c> in the dataset's folder ({"intervertebral_disc": 1, ...}, a value per structure; "#rrggbb" for
/// colour label images): this mapping is the one detail to check against a downloaded copy, and the file corrects it.
/// </summary>
public static class SudirmanLayout
{
    public const string Images = "images";
    public const string LabelImages = "labels";
    public const string LabelMapFile = "label-map.json";

    /// <summary>The scheme the platform's labels follow (DESIGN.md): 1 disc, 2 posterior element, 3 thecal sac, 4 the area between anterior and posterior elements.</summary>
    public static IReadOnlyDictionary<string, string> DefaultPixelValues { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["intervertebral_disc"] = "1",
        ["posterior_element"] = "2",
        ["thecal_sac"] = "3",
        ["canal_and_foramina"] = "4",
    };

    public static bool Recognise(string folder) =>
        Directory.Exists(Path.Combine(folder, Images)) && Directory.Exists(Path.Combine(folder, LabelImages));

    /// <param name="labels">The segmenter's structure names and label values (its model.json).</param>
    public static ConvertedDataset Convert(string folder, string output, IReadOnlyDictionary<string, int> labels)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(labels);
        var problems = new List<InputProblem>();
        var pixelValues = PixelValues(folder, problems);
        var toLabel = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase) { ["0"] = 0, ["#000000"] = 0 };
        foreach (var (structure, value) in pixelValues)
        {
            if (labels.TryGetValue(structure, out var label))
            {
                toLabel[value] = (byte)label;
            }
            else
            {
                problems.Add(new InputProblem(LabelMapFile, null, structure, $"not a structure the segmenter labels ({string.Join(", ", labels.Keys.Where(k => k != "background"))})"));
            }
        }

        Directory.CreateDirectory(Path.Combine(output, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(output, "labelsTr"));
        var cases = new List<string>();
        foreach (var patientFolder in Directory.GetDirectories(Path.Combine(folder, Images)).Order(StringComparer.Ordinal))
        {
            var patient = Path.GetFileName(patientFolder);
            var images = new List<DicomFile>();
            foreach (var file in Directory.GetFiles(patientFolder).Where(f => f.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".ima", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                try
                {
                    images.Add(DicomFile.Read(File.ReadAllBytes(file), $"{Images}/{patient}/{Path.GetFileName(file)}"));
                }
                catch (DicomFormatException ex)
                {
                    problems.Add(new InputProblem($"{Images}/{patient}/{Path.GetFileName(file)}", null, null, ex.Message));
                }
            }

            // Slices in acquisition order (Instance Number), so that each disc block's slices are consecutive.
            images = [.. images.OrderBy(i => i.Dataset.GetInt32(DicomTags.InstanceNumber) ?? int.MaxValue)];
            var block = 0;
            foreach (var stack in DicomVolumes.SplitIntoStacks(images))
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{patient}_{block++}");
                var volume = DicomVolumes.FromStack(stack);
                var labelMap = new Volume<float>(volume.SizeI, volume.SizeJ, volume.SizeK, volume.Geometry);
                var complete = true;
                for (var k = 0; k < stack.Count && complete; k++)
                {
                    var source = stack[k].Source ?? string.Empty;
                    var labelPath = Path.Combine(folder, LabelImages, patient, Path.GetFileNameWithoutExtension(source) + ".png");
                    complete = ReadLabels(labelPath, $"{LabelImages}/{patient}/{Path.GetFileName(labelPath)}", volume.SizeI, volume.SizeJ, toLabel, labelMap.Slice(k), problems);
                }

                if (!complete)
                {
                    continue;
                }

                Nifti.Write(Path.Combine(output, "imagesTr", name + "_0000.nii.gz"), volume, $"Sudirman layout {patient}");
                Nifti.Write(Path.Combine(output, "labelsTr", name + ".nii.gz"), labelMap.Map(v => (byte)v), $"Sudirman layout {patient} labels");
                cases.Add(name);
            }
        }

        File.WriteAllText(Path.Combine(output, "dataset.json"), JsonSerializer.Serialize(
            new Phantom.DatasetDescription(new Dictionary<string, string> { ["0"] = "T2" }, labels, cases.Count, ".nii.gz", "sudirman", "Converted from the Sudirman layout by spine evaluate"),
            Phantom.DatasetJsonContext.Default.DatasetDescription));
        return new ConvertedDataset(output, cases, problems, labels);
    }

    private static IReadOnlyDictionary<string, string> PixelValues(string folder, List<InputProblem> problems)
    {
        var path = Path.Combine(folder, LabelMapFile);
        if (!File.Exists(path))
        {
            return DefaultPixelValues;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetInt32().ToString(CultureInfo.InvariantCulture) : p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            problems.Add(new InputProblem(LabelMapFile, null, null, $"{ex.Message}; the default mapping is used"));
            return DefaultPixelValues;
        }
    }

    /// <summary>One label image into a slice of the label map; false (with the problem recorded) when it cannot be used.</summary>
    private static bool ReadLabels(string path, string name, int width, int height, Dictionary<string, byte> toLabel, Span<float> slice, List<InputProblem> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add(new InputProblem(name, null, null, "label image not found: the image's disc block is left out"));
            return false;
        }

        int w, h, channels;
        byte[] pixels;
        try
        {
            (w, h, channels, pixels) = Png.Decode(File.ReadAllBytes(path));
        }
        catch (InvalidDataException ex)
        {
            problems.Add(new InputProblem(name, null, null, ex.Message));
            return false;
        }

        if ((w, h) != (width, height))
        {
            problems.Add(new InputProblem(name, null, null, string.Create(CultureInfo.InvariantCulture, $"label image is {w}x{h}, its image {width}x{height}")));
            return false;
        }

        for (var p = 0; p < width * height; p++)
        {
            var key = channels == 1
                ? pixels[p].ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"#{pixels[3 * p]:x2}{pixels[(3 * p) + 1]:x2}{pixels[(3 * p) + 2]:x2}");
            if (!toLabel.TryGetValue(key, out var label))
            {
                problems.Add(new InputProblem(name, null, null, string.Create(CultureInfo.InvariantCulture, $"pixel ({p % width}, {p / width}) has value {key}, which {LabelMapFile} does not map to a structure")));
                return false;
            }

            slice[p] = label;
        }

        return true;
    }
}
