using System.Text.Json.Serialization;
using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>Which population and which scanners a phantom 2.x study is drawn from; docs/phantom.md lists every rate.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PhantomProfile>))]
public enum PhantomProfile
{
    /// <summary>
    /// Typical clinical studies: five angled slabs at 1.5 or 3 T, matrix 288 to 384, herniations the only variant,
    /// CSF flow voids, mild noise and bias.
    /// </summary>
    [JsonStringEnumMemberName("standard")] Standard,

    /// <summary>
    /// What a hospital's archive holds beside: every variant (trefoil canal, epidural lipomatosis, herniations, synovial
    /// cysts, spondylolisthesis, scoliosis, 4 or 6 lumbar vertebrae, partial coverage) and every artefact (motion
    /// ghosting, Gibbs ringing, flow voids, wrap-around, metal at one level) at raised rates, and the widest
    /// acquisitions (matrix 256 to 512, pixels 0.5 to 0.9 mm, slices 3 to 5 mm).
    /// </summary>
    [JsonStringEnumMemberName("hard")] Hard,
}

/// <summary>How a phantom 2.x study was acquired.</summary>
public sealed record Acquisition
{
    public required double FieldStrengthTesla { get; init; }
    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public required double PixelSpacingMm { get; init; }
    public required double SliceThicknessMm { get; init; }
    public required double SliceSpacingMm { get; init; }

    /// <summary>Rician noise as a fraction of the CSF signal.</summary>
    public required double Noise { get; init; }

    /// <summary>Peak deviation of the coil's multiplicative bias field.</summary>
    public required double Bias { get; init; }

    /// <summary>Artefacts in the images: motion-ghosting, gibbs-ringing, csf-flow-voids, wrap-around, metal.</summary>
    public required IReadOnlyList<string> Artefacts { get; init; }

    /// <summary>The level whose images a metal implant wipes out, when <see cref="Artefacts"/> has metal.</summary>
    public SpinalLevel? MetalLevel { get; init; }

    /// <summary>The 1.x acquisition: 1.5 T, 320x320 at 0.6875 mm, 4 mm slices every 4.4 mm, 2.5 % noise, 15 % bias.</summary>
    public static Acquisition Default { get; } = new()
    {
        FieldStrengthTesla = 1.5, Rows = 320, Columns = 320, PixelSpacingMm = 0.6875, SliceThicknessMm = 4, SliceSpacingMm = 4.4,
        Noise = 0.025, Bias = 0.15, Artefacts = [],
    };

    /// <summary>
    /// One contiguous axial stack (unangled, evenly spaced) through every covered level instead of a slab angled to
    /// each disc; the discs are then cut obliquely by their lordotic tilt. Never drawn by a profile (so the profiles'
    /// studies, and the models trained on them, stay as they were): asked for with <c>--stack contiguous</c>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ContiguousStack { get; init; }

    public bool Has(string artefact) => Artefacts.Contains(artefact, StringComparer.Ordinal);
}

/// <summary>The anatomical variants of a phantom 2.x study; those of each level are in its ground truth.</summary>
public sealed record StudyVariants
{
    /// <summary>Lumbar vertebrae: 5, or 4 (a sacralised L5: no L5-S1 disc) or 6 (a lumbarised S1: an S1-S2 disc).</summary>
    public required int LumbarVertebrae { get; init; }

    /// <summary>The disc levels the axial slabs cover, cranial to caudal.</summary>
    public required IReadOnlyList<SpinalLevel> Covered { get; init; }

    public required bool Scoliosis { get; init; }

    /// <summary>A trefoil canal: lateral recesses narrowed by the shape of the canal, at every level.</summary>
    public required bool Trefoil { get; init; }

    public required bool EpiduralLipomatosis { get; init; }

    /// <summary>Variants of each covered level: central-herniation, paracentral-herniation-left, foraminal-herniation-right, synovial-cyst-left, spondylolisthesis...</summary>
    public required IReadOnlyDictionary<SpinalLevel, IReadOnlyList<string>> Levels { get; init; }

    /// <summary>No variant at all: five lumbar vertebrae, all five levels covered.</summary>
    public static StudyVariants None(IReadOnlyList<SpinalLevel> covered) => new()
    {
        LumbarVertebrae = 5, Covered = covered, Scoliosis = false, Trefoil = false, EpiduralLipomatosis = false,
        Levels = covered.ToDictionary(level => level, _ => (IReadOnlyList<string>)[]),
    };

    /// <summary>Every variant of the study and of its levels, as tags for breaking figures down.</summary>
    public IEnumerable<string> Tags()
    {
        if (LumbarVertebrae != 5)
        {
            yield return $"lumbar-vertebrae-{LumbarVertebrae}";
        }

        if (Covered.Count < LumbarVertebrae)
        {
            yield return "partial-coverage";
        }

        if (Scoliosis)
        {
            yield return "scoliosis";
        }

        if (Trefoil)
        {
            yield return "trefoil-canal";
        }

        if (EpiduralLipomatosis)
        {
            yield return "epidural-lipomatosis";
        }
    }
}

/// <summary>Draws a study's acquisition and variants from its profile. The rates are in docs/phantom.md.</summary>
internal static class ProfileDraw
{
    public static readonly IReadOnlyList<SpinalLevel> FiveLevels = [SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L5S1];

    public static Acquisition DrawAcquisition(PhantomProfile profile, Random random)
    {
        double Between(double low, double high) => low + ((high - low) * random.NextDouble());
        bool Chance(double p) => random.NextDouble() < p;
        var hard = profile == PhantomProfile.Hard;
        var field = Chance(hard ? 0.5 : 0.3) ? 3.0 : 1.5;
        var matrix = hard ? 256 + (32 * random.Next(9)) : 288 + (32 * random.Next(4));

        // The field of view of a lumbar axial: 180 to 300 mm; the pixel follows from it and the matrix.
        var pixel = Math.Round(Math.Clamp(Between(hard ? 180 : 200, hard ? 300 : 260) / matrix, hard ? 0.5 : 0.6, hard ? 0.9 : 0.8), 4);
        var thickness = hard ? Math.Round(Between(3, 5), 1) : 4;
        var gap = hard ? Math.Round(Between(0, 1), 1) : 0.4;
        var artefacts = new List<string>();
        if (Chance(hard ? 0.5 : 0.3))
        {
            artefacts.Add("csf-flow-voids");
        }

        if (hard)
        {
            foreach (var (name, rate) in new[] { ("motion-ghosting", 0.25), ("gibbs-ringing", 0.3), ("wrap-around", 0.15), ("metal", 0.08) })
            {
                if (Chance(rate))
                {
                    artefacts.Add(name);
                }
            }
        }

        // 3 T gives about 1.8 times the signal-to-noise ratio of 1.5 T at the same resolution; smaller voxels give less.
        var voxel = pixel * pixel * thickness / (0.6875 * 0.6875 * 4);
        var noise = (hard ? Between(0.015, 0.06) : Between(0.018, 0.035)) / Math.Sqrt(voxel) / (field > 2 ? 1.8 : 1);
        return new Acquisition
        {
            FieldStrengthTesla = field, Rows = matrix, Columns = matrix, PixelSpacingMm = pixel, SliceThicknessMm = thickness,
            SliceSpacingMm = thickness + gap, Noise = Math.Round(Math.Clamp(noise, 0.01, 0.1), 4), Bias = Math.Round(hard ? Between(0.05, 0.3) : Between(0.08, 0.2), 3),
            Artefacts = artefacts,
        };
    }

    public static StudyVariants DrawVariants(PhantomProfile profile, Random random)
    {
        bool Chance(double p) => random.NextDouble() < p;
        var hard = profile == PhantomProfile.Hard;
        var lumbar = hard && Chance(0.08) ? (Chance(0.5) ? 4 : 6) : 5;
        IReadOnlyList<SpinalLevel> levels = lumbar switch
        {
            4 => [SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5],
            6 => [.. FiveLevels, SpinalLevel.S1S2],
            _ => FiveLevels,
        };

        // Partial coverage: the lowest three or four levels only, as a study aimed at the lower lumbar spine covers.
        var covered = hard && lumbar == 5 && Chance(0.08) ? levels.Skip(Chance(0.5) ? 1 : 2).ToList() : levels;
        var perLevel = new Dictionary<SpinalLevel, IReadOnlyList<string>>();
        foreach (var level in covered)
        {
            var variants = new List<string>();
            var lower = level is SpinalLevel.L4L5 or SpinalLevel.L5S1;
            if (Chance(hard ? (lower ? 0.3 : 0.1) : (lower ? 0.12 : 0.03)))
            {
                var side = Chance(0.5) ? "left" : "right";
                var kind = random.Next(3);
                variants.Add(kind == 0 ? "central-herniation" : kind == 1 ? $"paracentral-herniation-{side}" : $"foraminal-herniation-{side}");
            }

            if (hard && Chance(0.05))
            {
                variants.Add($"synovial-cyst-{(Chance(0.5) ? "left" : "right")}");
            }

            if (hard && lower && Chance(0.08))
            {
                variants.Add("spondylolisthesis");
            }

            perLevel[level] = variants;
        }

        return new StudyVariants
        {
            LumbarVertebrae = lumbar,
            Covered = covered,
            Scoliosis = hard && Chance(0.12),
            Trefoil = hard && Chance(0.15),
            EpiduralLipomatosis = hard && Chance(0.06),
            Levels = perLevel,
        };
    }
}
