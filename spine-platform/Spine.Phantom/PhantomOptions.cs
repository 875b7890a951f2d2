using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>Grades of one level, each 0 normal, 1 mild, 2 moderate, 3 severe.</summary>
public sealed record LevelGrades(int CentralCanal, int ForaminalLeft, int ForaminalRight, int FacetLeft, int FacetRight)
{
    public static LevelGrades Normal { get; } = new(0, 0, 0, 0, 0);

    public IEnumerable<int> All => [CentralCanal, ForaminalLeft, ForaminalRight, FacetLeft, FacetRight];

    /// <summary>The grade of one finding, as a report names it by kind and side.</summary>
    public int Of(FindingKind kind, Side side) => (kind, side) switch
    {
        (FindingKind.CentralCanalStenosis, _) => CentralCanal,
        (FindingKind.ForaminalStenosis, Side.Left) => ForaminalLeft,
        (FindingKind.ForaminalStenosis, Side.Right) => ForaminalRight,
        (FindingKind.FacetArthropathy, Side.Left) => FacetLeft,
        (FindingKind.FacetArthropathy, Side.Right) => FacetRight,
        _ => throw new ArgumentException($"No phantom grade for {kind} on side {side}."),
    };
}

/// <summary>How a study is generated. Everything not given is drawn from the seed.</summary>
public sealed record PhantomOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>Grades per level; levels not given are drawn with <see cref="GradeMix"/>.</summary>
    public IReadOnlyDictionary<SpinalLevel, LevelGrades> Grades { get; init; } = new Dictionary<SpinalLevel, LevelGrades>();

    /// <summary>Probabilities of grades 0, 1, 2, 3 when a grade is drawn.</summary>
    public IReadOnlyList<double> GradeMix { get; init; } = [0.4, 0.25, 0.2, 0.15];

    /// <summary>Rician noise as a fraction of the CSF signal (0.02 is a good clinical scan).</summary>
    public double Noise { get; init; } = 0.025;

    /// <summary>Peak deviation of the coil's multiplicative bias field (0.15: plus or minus 15 %).</summary>
    public double Bias { get; init; } = 0.15;

    /// <summary>Per-study random variation of each tissue's signal (0.1: plus or minus 10 %).</summary>
    public double ContrastVariation { get; init; } = 0.1;

    public int Rows { get; init; } = 320;
    public int Columns { get; init; } = 320;
    public double PixelSpacing { get; init; } = 0.6875;
    public double SliceThickness { get; init; } = 4;
    public double SliceSpacing { get; init; } = 4.4;

    /// <summary>Also write the distractor series (sagittal T2, axial T1) that series selection must skip.</summary>
    public bool Distractors { get; init; } = true;
}
