using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spine.Imaging;

namespace Spine.Phantom;

/// <summary>
/// One training case: a slab of a phantom study, its grades and measurements, and tags saying what kind of case it
/// is (profile, field strength, matrix, slice thickness, artefacts, variants) for breaking figures down.
/// </summary>
public sealed record DatasetCase(string Case, int Seed, LevelTruth Truth, IReadOnlyList<string>? Tags = null);

/// <summary>The nnU-Net v2 dataset description (dataset.json).</summary>
public sealed record DatasetDescription(
    [property: JsonPropertyName("channel_names")] IReadOnlyDictionary<string, string> ChannelNames,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, int> Labels,
    [property: JsonPropertyName("numTraining")] int NumTraining,
    [property: JsonPropertyName("file_ending")] string FileEnding,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DatasetDescription))]
[JsonSerializable(typeof(IReadOnlyList<DatasetCase>))]
public sealed partial class DatasetJsonContext : JsonSerializerContext;

/// <summary>
/// Writes phantom training data in the nnU-Net layout: imagesTr/CASE_0000.nii.gz (the T2 slab), labelsTr/CASE.nii.gz
/// (its label map), dataset.json, and grades.json (grades and measurements per case), one case per slab.
/// </summary>
public static class PhantomDataset
{
    /// <param name="progress">Called with the number of studies written so far, after each.</param>
    public static IReadOnlyList<DatasetCase> Write(string folder, int studies, int seed, Func<int, PhantomOptions>? optionsFor = null, Action<int>? progress = null)
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
                cases.Add(new DatasetCase(name, studySeed, truth with { LabelMap = $"labelsTr/{name}.nii.gz" }, study.Truth.Profile is null ? null : TagsOf(study.Truth, truth)));
            }

            progress?.Invoke(s + 1);
        }

        var description = new DatasetDescription(
            new Dictionary<string, string> { ["0"] = "T2" },
            Labels.Names,
            cases.Count,
            ".nii.gz",
            "SpinePhantom",
            $"Synthetic axial T2 lumbar slabs from {(cases.Any(c => c.Tags is not null) ? PhantomGenerator.Version2 : PhantomGenerator.Version)}, seeds {seed} to {seed + studies - 1}. No patient data; not for clinical use.");
        File.WriteAllText(Path.Combine(folder, "dataset.json"), JsonSerializer.Serialize(description, DatasetJsonContext.Default.DatasetDescription));
        File.WriteAllText(Path.Combine(folder, "grades.json"), JsonSerializer.Serialize<IReadOnlyList<DatasetCase>>(cases, DatasetJsonContext.Default.IReadOnlyListDatasetCase));
        return cases;
    }

    /// <summary>What kind of case a level of a phantom 2.x study is, for breaking evaluation figures down.</summary>
    public static IReadOnlyList<string> TagsOf(GroundTruth study, LevelTruth level)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(level);
        var tags = new List<string>();
        if (study.Profile is { } profile)
        {
            tags.Add($"profile-{profile.ToString().ToLowerInvariant()}");
        }

        if (study.Acquisition is { } acquisition)
        {
            tags.Add(acquisition.FieldStrengthTesla > 2 ? "3T" : "1.5T");
            tags.Add(acquisition.Rows <= 320 ? "matrix-256-320" : "matrix-352-512");
            tags.Add(acquisition.SliceThicknessMm < 4 ? "slices-3-4mm" : acquisition.SliceThicknessMm > 4 ? "slices-4-5mm" : "slices-4mm");
            tags.AddRange(acquisition.Artefacts.Where(a => a != "metal" || acquisition.MetalLevel == level.Level).Select(a => $"artefact-{a}"));
        }

        if (study.Variants is { } variants)
        {
            tags.AddRange(variants.Tags().Select(t => $"variant-{t}"));
        }

        // Sides are told apart by the finding, not the tag: "foraminal-herniation-left" counts as a foraminal herniation.
        tags.AddRange((level.Variants ?? []).Select(v => "variant-" + v.Replace("-left", string.Empty, StringComparison.Ordinal).Replace("-right", string.Empty, StringComparison.Ordinal)));
        return [.. tags.Distinct(StringComparer.Ordinal)];
    }
}
