using Spine.Contracts.V1;
using Spine.Dicom;

namespace Spine.Analysis.Anatomy;

/// <summary>A disc slab's level, or null for a slab above T12-L1; uncertain unless exactly five slabs were found.</summary>
public sealed record AssignedLevel(int Slab, SpinalLevel? Level, bool Uncertain);

/// <summary>
/// Names the disc slabs from the bottom up, as DESIGN.md fixes it: the most caudal slab is L5-S1, the next L4-L5 and
/// so on, a sixth T12-L1. Axial slabs alone cannot show where the sacrum is: with fewer or more than five slabs
/// (partial coverage, or four or six lumbar vertebrae) the names may be off by one, so every level is flagged
/// uncertain rather than silently shifted; a slab above a sixth is left unnamed.
/// </summary>
public static class LevelAssignment
{
    private static readonly SpinalLevel[] BottomUp = [SpinalLevel.L5S1, SpinalLevel.L4L5, SpinalLevel.L3L4, SpinalLevel.L2L3, SpinalLevel.L1L2, SpinalLevel.T12L1];

    /// <param name="slabCentres">Centre of each slab in patient coordinates (LPS: +Z towards the head), in any order.</param>
    public static IReadOnlyList<AssignedLevel> Assign(IReadOnlyList<Vector3D> slabCentres)
    {
        ArgumentNullException.ThrowIfNull(slabCentres);
        var uncertain = slabCentres.Count != 5;
        var rank = slabCentres.Select((centre, slab) => (centre.Z, slab)).OrderBy(s => s.Z).Select((s, order) => (s.slab, order)).ToDictionary(s => s.slab, s => s.order);
        return Enumerable.Range(0, slabCentres.Count)
            .Select(slab => new AssignedLevel(slab, rank[slab] < BottomUp.Length ? BottomUp[rank[slab]] : null, uncertain))
            .ToList();
    }
}
