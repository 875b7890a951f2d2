using Spine.Analysis.Anatomy;
using Spine.Analysis.Models;
using Spine.Evaluation;
using Spine.Phantom;
using Spine.Testing;
using Spine.Training.Commands;
using Xunit.Abstractions;

namespace Spine.Training.Tests;

/// <summary>
/// The benchmark can tell a good grader from a bad one (phantom 1.x could not: every model scored 1.000). The committed
/// reference models are evaluated as <c>spine evaluate</c> does, then again with one grader swapped for a deliberately
/// weakened one, trained for a few steps on a handful of studies; on the same unseen studies its kappa must fall
/// below the reference's with 95 % bootstrap intervals that do not overlap.
/// </summary>
public sealed class EvaluationRankingTests(ITestOutputHelper output)
{
    [Fact]
    public void A_barely_trained_grader_scores_below_the_reference_model_with_intervals_that_do_not_overlap()
    {
        var root = Directory.CreateTempSubdirectory("spine-ranking-").FullName;
        try
        {
            var train = Path.Combine(root, "train");
            var test = Path.Combine(root, "test");
            PhantomDataset.Write(train, studies: 3, seed: 960000);
            PhantomDataset.Write(test, studies: 12, seed: 970000);
            var weakModels = Path.Combine(root, "models");
            CopyModels(Path.Combine(RepositoryLayout.Root, "models"), weakModels);
            var weakFolder = Directory.GetDirectories(Path.Combine(weakModels, GraderExport.ModelName(RegionKind.Foramen))).Single();
            Directory.Delete(weakFolder, recursive: true);
            Assert.Equal(0, GraderCommand.Run(RegionKind.Foramen, train, weakFolder, Path.GetFileName(weakFolder), new GraderOptions { Steps = 8, Threads = 2 }));

            var reference = Foramen(test, Path.Combine(RepositoryLayout.Root, "models"));
            var weak = Foramen(test, weakModels);

            output.WriteLine($"reference foramen grader: kappa {reference.LinearWeightedKappa:0.000} ({reference.KappaInterval})");
            output.WriteLine($"weakened foramen grader:  kappa {weak.LinearWeightedKappa:0.000} ({weak.KappaInterval})");
            Assert.Equal(reference.Cases, weak.Cases);
            var (referenceInterval, weakInterval) = (reference.KappaInterval!, weak.KappaInterval!);
            Assert.False(weakInterval.Overlaps(referenceInterval));
            Assert.True(weakInterval.High < referenceInterval.Low,
                $"the weakened grader's kappa interval {weakInterval} overlaps the reference's {referenceInterval}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static FindingScores Foramen(string dataset, string modelsRoot)
    {
        using var models = ModelSet.Load(modelsRoot, threads: 2);
        return DatasetEvaluation.Run(dataset, models).Findings.Single(f => f.Key == "foramen");
    }

    /// <summary>Copies every model folder (NAME/VERSION with a model.json), not the training project beside them.</summary>
    private static void CopyModels(string from, string to)
    {
        foreach (var manifest in Directory.EnumerateFiles(from, "model.json", SearchOption.AllDirectories).Where(p => !p.Contains("Spine.Training", StringComparison.Ordinal)))
        {
            var folder = Path.GetDirectoryName(manifest)!;
            var target = Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder))).FullName;
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }
    }
}
