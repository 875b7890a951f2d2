using Spine.Phantom;

namespace Spine.Analysis.Tests;

/// <summary>
/// Phantom studies generated once for the tests of this project (about a second each): the demo's teaching case (every
/// grade, each finding in the middle of its grade's band) on two seeds, so that a model's grade can be held to it.
/// </summary>
internal static class PhantomLevels
{
    private static readonly Lazy<IReadOnlyList<(PhantomSlab Slab, LevelTruth Truth)>> Levels = new(() =>
        new[] { 424242, 424243 }
            .Select(seed => PhantomGenerator.Generate(PhantomOptions.Demo(seed) with { Distractors = false }))
            .SelectMany(study => study.Slabs.Zip(study.Truth.Levels))
            .ToList());

    public static IReadOnlyList<(PhantomSlab Slab, LevelTruth Truth)> All => Levels.Value;
}
