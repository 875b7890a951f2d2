using System.Security.Cryptography;
using System.Text;
using Spine.Contracts.V1;

namespace Spine.Phantom.Tests;

/// <summary>
/// Phantom 2.0 as a benchmark that can tell a good grader from a bad one: signs of neighbouring grades overlap, readers
/// disagree as published readers do, body size scales anatomy together, disease gathers at the lower levels, and the
/// profiles draw their variants. The disease and reader models are tested without rendering (fast); rendering once.
/// </summary>
public sealed class PhantomTwoTests
{
    private static readonly SpinalLevel[] FiveLevels = [SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L5S1];

    /// <summary>Severities and readers' grades of many levels, as studies draw them.</summary>
    private static List<(int Position, LevelSeverity Severity, IReadOnlyList<LevelGrades> Readers)> Levels(int studies, int seed)
    {
        var random = new Random(seed);
        var levels = new List<(int, LevelSeverity, IReadOnlyList<LevelGrades>)>();
        for (var s = 0; s < studies; s++)
        {
            var body = DiseaseModel.DrawBody(random);
            foreach (var level in FiveLevels)
            {
                var severity = DiseaseModel.Draw(DiseaseModel.Position(level), body, new LevelSeverity(0, 0, 0, 0, 0), random);
                levels.Add((DiseaseModel.Position(level), severity, ReaderStudy.Read(severity, random)));
            }
        }

        return levels;
    }

    private static double Kappa(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        // Linearly weighted kappa, written out here so that the test does not lean on the code it would check elsewhere.
        var n = a.Count;
        var matrix = new double[4, 4];
        for (var i = 0; i < n; i++)
        {
            matrix[a[i], b[i]]++;
        }

        double observed = 0, expected = 0;
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                var weight = 1 - (Math.Abs(i - j) / 3.0);
                var rows = Enumerable.Range(0, 4).Sum(k => matrix[i, k]);
                var columns = Enumerable.Range(0, 4).Sum(k => matrix[k, j]);
                observed += weight * matrix[i, j] / n;
                expected += weight * rows * columns / n / n;
            }
        }

        return (observed - expected) / (1 - expected);
    }

    [Fact]
    public void Simulated_readers_agree_with_each_other_as_published_readers_do()
    {
        var levels = Levels(studies: 400, seed: 1);
        foreach (var finding in new Func<LevelGrades, int>[] { g => g.CentralCanal, g => g.ForaminalLeft, g => g.FacetRight })
        {
            foreach (var (a, b) in new[] { (0, 1), (0, 2), (1, 2) })
            {
                var kappa = Kappa([.. levels.Select(l => finding(l.Readers[a]))], [.. levels.Select(l => finding(l.Readers[b]))]);

                // Bharadwaj et al. 2023: 0.74, 0.80 and 0.86 between their three radiologists.
                Assert.InRange(kappa, 0.74, 0.86);
            }
        }
    }

    [Fact]
    public void The_reference_is_the_readers_majority_and_the_adjudicator_breaks_a_three_way_tie()
    {
        LevelGrades Canal(int grade) => new(grade, 0, 0, 0, 0);

        Assert.Equal(2, ReaderStudy.Majority([Canal(1), Canal(2), Canal(2)]).CentralCanal);
        Assert.Equal(1, ReaderStudy.Majority([Canal(1), Canal(2), Canal(1)]).CentralCanal);
        Assert.Equal(3, ReaderStudy.Majority([Canal(3), Canal(1), Canal(2)]).CentralCanal);
    }

    [Fact]
    public void Disease_is_more_frequent_and_more_severe_at_l4_l5_and_l5_s1_than_at_l1_l2()
    {
        var levels = Levels(studies: 400, seed: 2);
        double Moderate(int position) => levels.Where(l => l.Position == position).Average(l => ReaderStudy.Grade(l.Severity.CentralCanal) >= 2 ? 1.0 : 0.0);

        Assert.True(Moderate(3) > 3 * Moderate(0), $"moderate or worse canal stenosis: L4-L5 {Moderate(3):0.00}, L1-L2 {Moderate(0):0.00}");
        Assert.True(Moderate(4) > Moderate(1));
    }

    [Fact]
    public void Findings_of_one_level_go_together()
    {
        var levels = Levels(studies: 400, seed: 3);
        var canal = levels.Select(l => l.Severity.CentralCanal).ToList();
        var facet = levels.Select(l => l.Severity.FacetLeft).ToList();
        var (mc, mf) = (canal.Average(), facet.Average());
        var correlation = canal.Zip(facet).Sum(p => (p.First - mc) * (p.Second - mf))
            / Math.Sqrt(canal.Sum(c => (c - mc) * (c - mc)) * facet.Sum(f => (f - mf) * (f - mf)));

        Assert.True(correlation > 0.5, $"canal and facet severity correlate {correlation:0.00}");
    }

    [Fact]
    public void Signs_of_neighbouring_canal_grades_overlap_and_the_area_ratio_carries_more_than_the_area()
    {
        // Rendering is not needed: the sac and disc outlines the builder draws are what the label maps hold.
        var random = new Random(4);
        var drawn = new List<(int Grade, double SacArea, double Ratio)>();
        for (var n = 0; n < 600; n++)
        {
            var body = DiseaseModel.DrawBody(random);
            var severity = DiseaseModel.Draw(3, body, new LevelSeverity(0, 0, 0, 0, 0), random);
            var grade = ReaderStudy.Grade(severity.CentralCanal);
            var anatomy = AnatomyBuilder.Build(SpinalLevel.L4L5, new LevelGrades(grade, 0, 0, 0, 0), severity, new LevelSeverity(0, 0, 0, 0, 0), body, [], false, false, false, random);
            var sacArea = SampledArea(anatomy.InSac);
            var discArea = SampledArea(anatomy.DiscOuter.Contains);
            drawn.Add((grade, sacArea, sacArea / discArea));
        }

        for (var grade = 0; grade < 3; grade++)
        {
            var (lower, upper) = (drawn.Where(d => d.Grade == grade).ToList(), drawn.Where(d => d.Grade == grade + 1).ToList());
            Assert.True(lower.Min(d => d.SacArea) < upper.Max(d => d.SacArea), $"grades {grade} and {grade + 1} do not overlap in sac area");
        }

        // Body size scales sac and disc together: the ratio separates the grades better than the area does.
        Assert.True(Separation(drawn, d => d.Ratio) > Separation(drawn, d => d.SacArea), $"ratio {Separation(drawn, d => d.Ratio):0.00}, area {Separation(drawn, d => d.SacArea):0.00}");
    }

    /// <summary>Between-grade variance over within-grade variance of a sign (larger: the sign tells grades apart better).</summary>
    private static double Separation(List<(int Grade, double SacArea, double Ratio)> drawn, Func<(int Grade, double SacArea, double Ratio), double> sign)
    {
        var mean = drawn.Average(sign);
        var groups = drawn.GroupBy(d => d.Grade).ToList();
        var between = groups.Sum(g => g.Count() * Math.Pow(g.Average(sign) - mean, 2));
        var within = groups.Sum(g => g.Sum(d => Math.Pow(sign(d) - g.Average(sign), 2)));
        return between / within;
    }

    private static double SampledArea(Func<double, double, bool> inside)
    {
        var count = 0;
        for (var v = -40.0; v < 40; v += 0.25)
        {
            for (var u = -40.0; u < 40; u += 0.25)
            {
                count += inside(u, v) ? 1 : 0;
            }
        }

        return count * 0.0625;
    }

    [Fact]
    public void A_healthy_facet_is_a_thin_joint_line_and_fluid_beside_it_comes_only_with_advanced_disease()
    {
        var random = new Random(5);
        var body = new StudyBody(1, 1, 0.5);
        var healthy = AnatomyBuilder.Build(SpinalLevel.L4L5, LevelGrades.Normal, new LevelSeverity(0.1, 0.1, 0.1, 0.05, 0.05), new LevelSeverity(0, 0, 0, 0, 0), body, [], false, false, false, random);

        Assert.All(healthy.Facets, facet =>
        {
            Assert.True(facet.Cartilage);
            Assert.Null(facet.Effusion);
            Assert.InRange(facet.Gap, 2.4, 3.6); // Pathria grade 0: joint space 2 to 4 mm, cartilage, not fluid
        });
    }

    [Fact]
    public void The_hard_profile_draws_every_variant_and_artefact_and_the_standard_profile_only_herniations()
    {
        var random = new Random(6);
        var hard = Enumerable.Range(0, 400).Select(_ => (Variants: ProfileDraw.DrawVariants(PhantomProfile.Hard, random), Acquisition: ProfileDraw.DrawAcquisition(PhantomProfile.Hard, random))).ToList();
        var standard = Enumerable.Range(0, 400).Select(_ => ProfileDraw.DrawVariants(PhantomProfile.Standard, random)).ToList();
        var levelVariants = hard.SelectMany(h => h.Variants.Levels.Values.SelectMany(v => v)).Select(v => v.Replace("-left", "", StringComparison.Ordinal).Replace("-right", "", StringComparison.Ordinal)).ToHashSet();

        Assert.Superset(new HashSet<string> { "central-herniation", "paracentral-herniation", "foraminal-herniation", "synovial-cyst", "spondylolisthesis" }, levelVariants);
        Assert.Contains(hard, h => h.Variants.Scoliosis);
        Assert.Contains(hard, h => h.Variants.Trefoil);
        Assert.Contains(hard, h => h.Variants.EpiduralLipomatosis);
        Assert.Contains(hard, h => h.Variants.LumbarVertebrae == 4);
        Assert.Contains(hard, h => h.Variants.LumbarVertebrae == 6);
        Assert.Contains(hard, h => h.Variants.Covered.Count < h.Variants.LumbarVertebrae);
        foreach (var artefact in new[] { "motion-ghosting", "gibbs-ringing", "csf-flow-voids", "wrap-around", "metal" })
        {
            Assert.Contains(hard, h => h.Acquisition.Has(artefact));
        }

        Assert.InRange(hard.Min(h => h.Acquisition.PixelSpacingMm), 0.5, 0.6);
        Assert.InRange(hard.Max(h => h.Acquisition.Rows), 480, 512);
        Assert.All(standard, s => Assert.Equal(5, s.Covered.Count));
        Assert.All(standard.SelectMany(s => s.Levels.Values.SelectMany(v => v)), v => Assert.Contains("herniation", v, StringComparison.Ordinal));
    }

    [Fact]
    public void A_study_with_a_metal_implant_says_which_level_cannot_be_read_and_every_level_carries_its_readers()
    {
        var study = PhantomGenerator.Generate(new PhantomOptions
        {
            Seed = 31, Distractors = false, Variants = StudyVariants.None(FiveLevels),
            Acquisition = Acquisition.Default with { Artefacts = ["metal"], MetalLevel = SpinalLevel.L3L4 },
        });

        Assert.Equal(PhantomGenerator.Version2, study.Truth.Generator);
        Assert.Equal([SpinalLevel.L3L4], study.Truth.Levels.Where(l => !l.Assessable).Select(l => l.Level));
        Assert.All(study.Truth.Levels, level =>
        {
            Assert.Equal(3, level.Readers!.Count);
            Assert.Equal(ReaderStudy.Majority(level.Readers).CentralCanal, level.Grades.CentralCanal);
            Assert.NotNull(level.ForamenLeftAsSeen);
        });
    }

    [Fact]
    public void Phantom_1_1_writes_exactly_what_it_always_wrote()
    {
        var folder = Directory.CreateTempSubdirectory("spine-phantom-1-").FullName;
        try
        {
            PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 7, Version = PhantomOptions.Version1 }), folder);

            // The SHA-256 over every file (relative name, then bytes, folders in name order) of the study the 1.1
            // generator wrote for seed 7 before phantom 2.0 existed.
            Assert.Equal("bfd354d9947ec6b3c6647b8375e14f2f2d73aebbf6cd1124b8c1e0f891ef8e47", Hash(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Hash(string root)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Walk(string folder)
        {
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file)));
                sha.AppendData(File.ReadAllBytes(file));
            }

            foreach (var child in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
            {
                Walk(child);
            }
        }

        Walk(root);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
