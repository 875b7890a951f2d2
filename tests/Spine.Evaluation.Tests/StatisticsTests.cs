using Spine.Evaluation;

namespace Spine.Evaluation.Tests;

public sealed class StatisticsTests
{
    /// <summary>Findings of <paramref name="studies"/> studies, five each, whose predictions agree with the reference with probability <paramref name="agreement"/>.</summary>
    private static List<GradedFinding> Findings(int studies, double agreement, int seed, Func<int, IReadOnlyList<double>>? probabilities = null)
    {
        var random = new Random(seed);
        var findings = new List<GradedFinding>();
        for (var s = 0; s < studies; s++)
        {
            for (var n = 0; n < 5; n++)
            {
                var reference = random.Next(4);
                var predicted = random.NextDouble() < agreement ? reference : Math.Clamp(reference + (random.Next(2) == 0 ? -1 : 1), 0, 3);
                var p = probabilities?.Invoke(predicted) ?? [.. Enumerable.Range(0, 4).Select(g => g == predicted ? 0.7 : 0.1)];
                findings.Add(new GradedFinding("foramen", s, reference, predicted, p, null, []));
            }
        }

        return findings;
    }

    [Fact]
    public void Bootstrap_interval_holds_the_estimate_and_narrows_with_more_studies()
    {
        var few = Findings(10, 0.8, seed: 1);
        var many = Findings(200, 0.8, seed: 1);

        var narrow = Bootstrap.Of(many, f => FindingStatistics.Kappa(f))!;
        var wide = Bootstrap.Of(few, f => FindingStatistics.Kappa(f))!;

        Assert.InRange(FindingStatistics.Kappa(many), narrow.Low, narrow.High);
        Assert.True(narrow.High - narrow.Low < (wide.High - wide.Low) / 2, $"200 studies {narrow}, 10 studies {wide}");
    }

    [Fact]
    public void A_better_grader_has_an_interval_above_a_worse_graders()
    {
        var good = Bootstrap.Of(Findings(60, 0.9, seed: 2), f => FindingStatistics.Kappa(f))!;
        var poor = Bootstrap.Of(Findings(60, 0.3, seed: 3), f => FindingStatistics.Kappa(f))!;

        Assert.False(good.Overlaps(poor), $"good {good}, poor {poor}");
        Assert.True(good.Low > poor.High);
    }

    [Fact]
    public void Calibration_error_is_small_for_honest_probabilities_and_large_for_overconfident_ones()
    {
        // Honest: P(moderate or worse) drawn, the reference then moderate or worse with that probability.
        var random = new Random(4);
        var honest = Enumerable.Range(0, 4000).Select(i =>
        {
            var p = random.NextDouble();
            var severe = random.NextDouble() < p;
            return new GradedFinding("facet", i / 5, severe ? 2 : 0, 0, [0.5 * (1 - p), 0.5 * (1 - p), p, 0], null, []);
        }).ToList();
        var overconfident = honest.Select(f => f with { Probabilities = f.ModerateOrWorse >= 0.5 ? [0, 0, 1, 0] : [1, 0, 0, 0] }).ToList();

        Assert.True(Calibration.ExpectedError(honest) < 0.03, $"honest {Calibration.ExpectedError(honest):0.000}");
        Assert.True(Calibration.ExpectedError(overconfident) > 0.2, $"overconfident {Calibration.ExpectedError(overconfident):0.000}");
        var bins = Calibration.Reliability(honest);
        Assert.Equal(10, bins.Count);
        Assert.All(bins, b => Assert.InRange(b.ObservedFrequency, b.From - 0.1, b.To + 0.1));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], Calibration.Plot(bins).Take(4).Select(b => (int)b));
    }

    [Fact]
    public void Rsna_log_loss_weighs_severe_findings_four_times_and_merges_normal_with_mild()
    {
        GradedFinding Finding(int reference, double[] p) => new("central_canal_tree", 0, reference, 0, p, null, []);

        // A mild reference answered "normal" with certainty loses nothing: RSNA merges normal and mild.
        Assert.Equal(0, RsnaMetric.LogLoss([Finding(1, [1, 0, 0, 0])])!.Value, 9);

        // One normal finding with P 0.5 and one severe with P(severe) 0.5: both lose ln 2, the severe one weighs 4.
        var loss = RsnaMetric.LogLoss([Finding(0, [0.5, 0, 0.5, 0]), Finding(3, [0.5, 0, 0, 0.5])])!.Value;
        Assert.Equal(Math.Log(2), loss, 9);
        var lopsided = RsnaMetric.LogLoss([Finding(0, [0.9, 0, 0.1, 0]), Finding(3, [0.9, 0, 0, 0.1])])!.Value;
        Assert.Equal(((-1 * Math.Log(0.9)) + (-4 * Math.Log(0.1))) / 5, lopsided, 9);
    }

    [Fact]
    public void Reader_agreement_puts_the_model_beside_the_readers()
    {
        var random = new Random(5);
        var findings = Enumerable.Range(0, 300).Select(i =>
        {
            var truth = random.Next(4);
            int Noisy(double keep) => random.NextDouble() < keep ? truth : Math.Clamp(truth + (random.Next(2) == 0 ? -1 : 1), 0, 3);
            return new GradedFinding("facet", i / 5, truth, Noisy(0.6), [0.25, 0.25, 0.25, 0.25], [Noisy(0.9), Noisy(0.9), Noisy(0.9)], []);
        }).ToList();

        var agreement = FindingStatistics.Readers(findings, replicates: 200)!;

        Assert.Equal(3, agreement.ReaderVsReaderKappa.Count);
        Assert.Equal(3, agreement.ModelVsReaderKappa.Count);
        Assert.True(agreement.MeanReaderVsReaderKappa > agreement.MeanModelVsReaderKappa);
        Assert.NotNull(agreement.MeanReaderVsReaderInterval);
    }
}
