using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>One study's build: a body size that scales canal, disc and posterior elements together, and a developmental canal size.</summary>
internal sealed record StudyBody(double Scale, double CanalSize, double Burden);

/// <summary>
/// Phantom 2.x disease: a study-wide burden (age, in effect) and each level's share of it make one degeneration per
/// level, from which the five findings' latent severities are drawn together, so that disc bulge, facet hypertrophy
/// and ligamentum flavum thickening go together at a level, and L4-L5 and L5-S1 are affected more often and more
/// severely than L1-L2 (CLINICAL.md: prevalence by level). Variants push the findings they cause.
/// </summary>
internal static class DiseaseModel
{
    // Share of the study's burden by vertebral position, L1-L2 to L5-S1 and a transitional S1-S2.
    private static readonly double[] LevelShare = [0.35, 0.5, 0.75, 1.0, 0.85, 0.3];

    public static StudyBody DrawBody(Random random) => new(
        Math.Clamp(1 + (0.08 * Gaussian.Next(random)), 0.82, 1.18),
        Math.Clamp(1 + (0.06 * Gaussian.Next(random)), 0.85, 1.15),
        Math.Clamp(0.5 + (0.22 * Gaussian.Next(random)), 0, 1));

    /// <summary>How much a level's variants raise each finding's severity (canal, left and right foramen, left and right facet).</summary>
    public static LevelSeverity Push(IReadOnlyList<string> variants, bool trefoil, bool lipomatosis)
    {
        ArgumentNullException.ThrowIfNull(variants);
        double canal = (trefoil ? 0.08 : 0) + (lipomatosis ? 0.2 : 0), foramenLeft = 0, foramenRight = 0, facetLeft = 0, facetRight = 0;
        foreach (var variant in variants)
        {
            var left = variant.EndsWith("-left", StringComparison.Ordinal);
            switch (variant)
            {
                case "central-herniation":
                    canal += 0.25;
                    break;
                case var v when v.StartsWith("paracentral-herniation", StringComparison.Ordinal):
                    canal += 0.15;
                    (foramenLeft, foramenRight) = left ? (foramenLeft + 0.08, foramenRight) : (foramenLeft, foramenRight + 0.08);
                    break;
                case var v when v.StartsWith("foraminal-herniation", StringComparison.Ordinal):
                    (foramenLeft, foramenRight) = left ? (foramenLeft + 0.3, foramenRight) : (foramenLeft, foramenRight + 0.3);
                    break;
                case var v when v.StartsWith("synovial-cyst", StringComparison.Ordinal):
                    canal += 0.15;
                    (facetLeft, facetRight) = left ? (facetLeft + 0.2, facetRight) : (facetLeft, facetRight + 0.2);
                    break;
                case "spondylolisthesis":
                    canal += 0.2;
                    (foramenLeft, foramenRight) = (foramenLeft + 0.12, foramenRight + 0.12);
                    break;
            }
        }

        return new LevelSeverity(canal, foramenLeft, foramenRight, facetLeft, facetRight);
    }

    /// <summary>The latent severities of a level at a vertebral position (0 for L1-L2 ... 4 for L5-S1, 5 for S1-S2).</summary>
    public static LevelSeverity Draw(int position, StudyBody body, LevelSeverity push, Random random)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(push);
        static double Clamp(double value) => Math.Clamp(value, 0, 1);
        var degeneration = Clamp((LevelShare[Math.Clamp(position, 0, LevelShare.Length - 1)] * body.Burden * 1.25) + (0.08 * Gaussian.Next(random)));

        // A developmentally small canal narrows it before any degeneration does.
        var developmental = (1 - body.CanalSize) * 0.6;
        return new LevelSeverity(
            Clamp((0.85 * degeneration) + developmental + (0.11 * Gaussian.Next(random)) + push.CentralCanal),
            Clamp((0.75 * degeneration) + (0.13 * Gaussian.Next(random)) + push.ForaminalLeft),
            Clamp((0.75 * degeneration) + (0.13 * Gaussian.Next(random)) + push.ForaminalRight),
            Clamp((0.8 * degeneration) + 0.05 + (0.13 * Gaussian.Next(random)) + push.FacetLeft),
            Clamp((0.8 * degeneration) + 0.05 + (0.13 * Gaussian.Next(random)) + push.FacetRight));
    }

    /// <summary>Latent severities for grades given by the caller, each near the middle of its grade's band.</summary>
    public static LevelSeverity ForGrades(LevelGrades grades, Random random)
    {
        ArgumentNullException.ThrowIfNull(grades);
        return new LevelSeverity(
            ReaderStudy.Within(grades.CentralCanal, random), ReaderStudy.Within(grades.ForaminalLeft, random), ReaderStudy.Within(grades.ForaminalRight, random),
            ReaderStudy.Within(grades.FacetLeft, random), ReaderStudy.Within(grades.FacetRight, random));
    }

    /// <summary>Vertebral position of a disc level: T12-L1 -1, L1-L2 0 ... L5-S1 4, S1-S2 5.</summary>
    public static int Position(SpinalLevel level) => (int)level;
}
