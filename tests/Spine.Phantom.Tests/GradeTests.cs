using Spine.Contracts.V1;

namespace Spine.Phantom.Tests;

/// <summary>Phantom 1.1, kept reproducible behind its version: grade bands drawn as they always were.</summary>
public sealed class GradeTests
{
    private static readonly SpinalLevel[] FiveLevels = [SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L5S1];

    private static readonly Dictionary<int, PhantomStudy> StudiesByCanalGrade = Enumerable.Range(0, 4).ToDictionary(
        grade => grade,
        grade => PhantomGenerator.Generate(new PhantomOptions
        {
            Seed = 9000 + grade,
            Version = PhantomOptions.Version1,
            Distractors = false,
            Grades = FiveLevels.ToDictionary(level => level, _ => new LevelGrades(grade, 0, 0, 0, 0)),
        }));

    /// <summary>Sac pixels on the mid slice, and which of them are bright CSF (above the midpoint of CSF and rootlet signal).</summary>
    private static (int Sac, int Csf, int AnteriorSac, int AnteriorCsf) SacContents(PhantomStudy study, int level)
    {
        var slab = study.Slabs[level];
        var mid = study.Truth.Levels[level].MidSlice;
        var labels = slab.Labels.Slice(mid).ToArray();
        var image = slab.Image.Slice(mid).ToArray();
        var sacPixels = Enumerable.Range(0, labels.Length).Where(p => labels[p] == Labels.ThecalSac).ToList();
        var csfLevel = study.Slabs.SelectMany(s => s.Image.Voxels).OrderDescending().ElementAt(2000); // brightest tissue in the study
        var threshold = csfLevel * 0.6;
        var rows = sacPixels.Select(p => p / slab.Image.SizeI).ToList();
        var anteriorLimit = rows.Min() + ((rows.Max() - rows.Min()) / 3.0); // anterior third (rows grow towards posterior)
        var anterior = sacPixels.Where(p => p / slab.Image.SizeI <= anteriorLimit).ToList();
        return (sacPixels.Count, sacPixels.Count(p => image[p] > threshold), anterior.Count, anterior.Count(p => image[p] > threshold));
    }

    [Theory]
    [InlineData(0, 130, 200)]
    [InlineData(1, 100, 130)]
    [InlineData(2, 75, 100)]
    [InlineData(3, 0, 75)]
    public void Central_canal_grade_follows_the_dural_sac_area(int grade, double lowest, double highest)
    {
        foreach (var level in StudiesByCanalGrade[grade].Truth.Levels)
        {
            Assert.InRange(level.DuralSacAreaMm2, lowest, highest);
            Assert.Equal(grade, level.Grades.CentralCanal);
        }
    }

    [Fact]
    public void Central_canal_grade_follows_the_csf_and_rootlet_pattern_of_lee_2011()
    {
        double CsfFraction(int grade) => Enumerable.Range(0, 5).Average(level => { var c = SacContents(StudiesByCanalGrade[grade], level); return (double)c.Csf / c.Sac; });
        double AnteriorCsfFraction(int grade) => Enumerable.Range(0, 5).Average(level => { var c = SacContents(StudiesByCanalGrade[grade], level); return (double)c.AnteriorCsf / c.AnteriorSac; });

        // Grade 0: the anterior CSF is preserved (rootlets lie dorsally). Grade 1: anterior CSF effaced by rootlets.
        Assert.True(AnteriorCsfFraction(0) > 0.85, $"grade 0 anterior CSF fraction {AnteriorCsfFraction(0):0.00}");
        Assert.True(AnteriorCsfFraction(1) < AnteriorCsfFraction(0) - 0.05, $"grade 1 anterior CSF fraction {AnteriorCsfFraction(1):0.00}");

        // Less and less CSF separates the rootlets, until none is left in grade 3: one bundle.
        Assert.True(CsfFraction(0) > CsfFraction(2), $"CSF fraction grade 0 {CsfFraction(0):0.00}, grade 2 {CsfFraction(2):0.00}");
        Assert.True(CsfFraction(3) < 0.05, $"grade 3 CSF fraction {CsfFraction(3):0.00}");
    }

    [Fact]
    public void Same_seed_gives_the_same_study_and_another_seed_another()
    {
        var options = new PhantomOptions { Seed = 77, Distractors = false, Version = PhantomOptions.Version1 };

        var first = PhantomGenerator.Generate(options);
        var again = PhantomGenerator.Generate(options);
        var other = PhantomGenerator.Generate(options with { Seed = 78 });

        Assert.Equal(first.Truth.StudyInstanceUid, again.Truth.StudyInstanceUid);
        Assert.Equal(first.Slabs[3].Image.Voxels, again.Slabs[3].Image.Voxels);
        Assert.Equal(first.Series[0].Images[0].GetString(Dicom.DicomTags.SopInstanceUid), again.Series[0].Images[0].GetString(Dicom.DicomTags.SopInstanceUid));
        Assert.NotEqual(first.Truth.StudyInstanceUid, other.Truth.StudyInstanceUid);
        Assert.NotEqual(first.Slabs[3].Image.Voxels, other.Slabs[3].Image.Voxels);
    }

    [Fact]
    public void Slabs_hold_three_to_five_slices_angled_to_their_discs()
    {
        var study = PhantomGenerator.Generate(new PhantomOptions { Seed = 5, Distractors = false, Version = PhantomOptions.Version1 });

        Assert.All(study.Truth.Levels, level => Assert.InRange(level.SliceCount, 3, 5));
        var tilts = study.Slabs.Select(slab => Math.Asin(slab.Image.Geometry.AxisJ.Z) * 180 / Math.PI).ToList();
        Assert.True(tilts[4] - tilts[0] > 15, $"L5-S1 should be tilted well beyond L1-L2: {string.Join(", ", tilts.Select(t => t.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
    }
}
