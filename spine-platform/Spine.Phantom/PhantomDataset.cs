using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spine.Imaging;

namespace Spine.Phantom;

/// <summary>One training case: a slab of a phantom study, its grades and measurements.</summary>
public sealed record DatasetCase(string Case, int Seed, LevelTruth Truth);

/// <summary>The nnU-Net v2 dataset description (dataset.json).</summary>
public sealed record DatasetDescription(
    [property: JsonPropertyName("channel_names")] IReadOnlyDictionary<string, string> ChannelNames,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, int> Labels,
    [property: JsonPropertyName("numTraining")] int NumTraining,
    [property: JsonPropertyName("file_ending")] string FileEnding,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DatasetDescription))]
[JsonSerializable(typeof(IReadOnlyList<DatasetCase>))]
public sealed partial class DatasetJsonContext : JsonSerializerContext;

/// <summary>
/// Writes phantom training data in the nnU-Net layout: imagesTr/CASE_0000.nii.gz (the T2 slab), labelsTr/CASE.nii.gz
/// (its label map), dataset.json, and grades.json (grades and measurements per case), one case per slab.
/// </summary>
public static class PhantomDataset
{
    public static IReadOnlyList<DatasetCase> Write(string folder, int studies, int seed, Func<int, PhantomOptions>? optionsFor = null)
    {
        Directory.CreateDirectory(Path.Combine(folder, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(folder, "labelsTr"));
        var cases = new List<DatasetCase>();
        for (var s = 0; s < studies; s++)
        {
            var studySeed = seed + s;
            var options = (optionsFor?.Invoke(studySeed) ?? new PhantomOptions()) with { Seed = studySeed, Distractors = false };
            var study = PhantomGenerator.Generate(options);
            foreach (var (slab, truth) in study.Slabs.Zip(study.Truth.Levels))
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"spine_{studySeed:D6}_{PhantomGenerator.LevelName(slab.Level).Replace("-", "", StringComparison.Ordinal)}");
                Nifti.Write(Path.Combine(folder, "imagesTr", name + "_0000.nii.gz"), slab.Image.Map(v => (short)Math.Clamp(Math.Round(v), 0, 4095)));
                Nifti.Write(Path.Combine(folder, "labelsTr", name + ".nii.gz"), slab.Labels);
                cases.Add(new DatasetCase(name, studySeed, truth with { LabelMap = $"labelsTr/{name}.nii.gz" }));
            }
        }

        var description = new DatasetDescription(
            new Dictionary<string, string> { ["0"] = "T2" },
            Labels.Names,
            cases.Count,
            ".nii.gz",
            "SpinePhantom",
            $"Synthetic axial T2 lumbar slabs from {PhantomGenerator.Version}, seeds {seed} to {seed + studies - 1}. No patient data; not for clinical use.");
        File.WriteAllText(Path.Combine(folder, "dataset.json"), JsonSerializer.Serialize(description, DatasetJsonContext.Default.DatasetDescription));
        File.WriteAllText(Path.Combine(folder, "grades.json"), JsonSerializer.Serialize<IReadOnlyList<DatasetCase>>(cases, DatasetJsonContext.Default.IReadOnlyListDatasetCase));
        return cases;
    }
}
