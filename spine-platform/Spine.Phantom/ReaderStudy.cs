using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>
/// The latent severity of one level's five findings (phantom 2.x): a continuous scale from 0 (healthy) to 1 (worst),
/// whose quarter points are where the reference reading's grades change. Every visible sign is drawn from it with
/// noise of its own, so that neighbouring grades overlap in the image as they do in patients.
/// </summary>
public sealed record LevelSeverity(double CentralCanal, double ForaminalLeft, double ForaminalRight, double FacetLeft, double FacetRight)
{
    public IEnumerable<double> All => [CentralCanal, ForaminalLeft, ForaminalRight, FacetLeft, FacetRight];
}

/// <summary>
/// Three simulated radiologists grade each finding from its latent severity, each with a threshold shift of their own
/// and noise. Tuned by simulation so that reader-vs-reader linearly weighted kappa lies in the published 0.74 to 0.86
/// (Bharadwaj et al. 2023: 0.74, 0.80, 0.86); reader 1 is the designated adjudicator. The reference grade of a finding
/// is the readers' majority, and the adjudicator's grade when all three differ.
/// </summary>
public static class ReaderStudy
{
    /// <summary>Latent severities at which the reference reading moves from normal to mild, mild to moderate, moderate to severe.</summary>
    public static IReadOnlyList<double> Thresholds { get; } = [0.25, 0.5, 0.75];

    public const int Readers = 3;

    /// <summary>Each reader's tendency: reader 2 reads a little more severe, reader 3 a little less.</summary>
    private static readonly double[] Shift = [0, 0.02, -0.02];

    /// <summary>Standard deviation of a reader's perception of the latent severity.</summary>
    private const double Noise = 0.06;

    /// <summary>The grade a severity falls in on the reference scale.</summary>
    public static int Grade(double severity) => Thresholds.Count(t => severity >= t);

    /// <summary>Every reader's grades of one level.</summary>
    public static IReadOnlyList<LevelGrades> Read(LevelSeverity severity, Random random)
    {
        ArgumentNullException.ThrowIfNull(severity);
        ArgumentNullException.ThrowIfNull(random);
        return Enumerable.Range(0, Readers).Select(reader =>
        {
            int Perceive(double s) => Grade(s + Shift[reader] + (Noise * Gaussian.Next(random)));
            return new LevelGrades(Perceive(severity.CentralCanal), Perceive(severity.ForaminalLeft), Perceive(severity.ForaminalRight), Perceive(severity.FacetLeft), Perceive(severity.FacetRight));
        }).ToList();
    }

    /// <summary>The readers' majority per finding; where all three differ, the adjudicator's (the first reader's) grade.</summary>
    public static LevelGrades Majority(IReadOnlyList<LevelGrades> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        int Of(Func<LevelGrades, int> finding)
        {
            var grades = readers.Select(finding).ToList();
            var agreed = grades.GroupBy(g => g).Where(group => group.Count() >= 2).Select(group => (int?)group.Key).FirstOrDefault();
            return agreed ?? grades[0];
        }

        return new LevelGrades(Of(g => g.CentralCanal), Of(g => g.ForaminalLeft), Of(g => g.ForaminalRight), Of(g => g.FacetLeft), Of(g => g.FacetRight));
    }

    /// <summary>A severity inside a grade's band, near its middle, for studies whose grades are given rather than drawn.</summary>
    public static double Within(int grade, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var low = grade == 0 ? 0.0 : Thresholds[grade - 1];
        var high = grade == 3 ? 1.0 : Thresholds[grade];
        return low + ((high - low) * (0.35 + (0.3 * random.NextDouble())));
    }
}

/// <summary>Standard normal draws from a <see cref="Random"/> (Box-Muller), reproducible for a seed.</summary>
internal static class Gaussian
{
    public static double Next(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
