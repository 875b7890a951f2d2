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
    public const string Version1 = "1.1";
    public const string Version2 = "2.0";

    public int Seed { get; init; } = 1;

    /// <summary>
    /// The phantom's version: 2.0 (the default: latent disease severity read by three simulated readers, body size,
    /// variants, varied acquisitions) or 1.1 (separable grade bands), which generates exactly what 1.1 always did.
    /// </summary>
    public string Version { get; init; } = Version2;

    /// <summary>Phantom 2.x: the population and scanners a study is drawn from.</summary>
    public PhantomProfile Profile { get; init; } = PhantomProfile.Standard;

    /// <summary>Phantom 2.x: the acquisition, instead of one drawn from the profile.</summary>
    public Acquisition? Acquisition { get; init; }

    /// <summary>Phantom 2.x: one contiguous axial stack through the covered levels instead of an angled slab per disc (see <see cref="Phantom.Acquisition.ContiguousStack"/>).</summary>
    public bool ContiguousStack { get; init; }

    /// <summary>Phantom 2.x: the variants, instead of those drawn from the profile.</summary>
    public StudyVariants? Variants { get; init; }

    /// <summary>Grades per level; levels not given are drawn (1.x: with <see cref="GradeMix"/>; 2.x: from the disease model and the readers).</summary>
    public IReadOnlyDictionary<SpinalLevel, LevelGrades> Grades { get; init; } = new Dictionary<SpinalLevel, LevelGrades>();

    /// <summary>Phantom 1.x: probabilities of grades 0, 1, 2, 3 when a grade is drawn.</summary>
    public IReadOnlyList<double> GradeMix { get; init; } = [0.4, 0.25, 0.2, 0.15];

    /// <summary>Phantom 1.x: Rician noise as a fraction of the CSF signal (0.02 is a good clinical scan); 2.x takes it from the acquisition.</summary>
    public double Noise { get; init; } = 0.025;

    /// <summary>Phantom 1.x: peak deviation of the coil's multiplicative bias field (0.15: plus or minus 15 %); 2.x: from the acquisition.</summary>
    public double Bias { get; init; } = 0.15;

    /// <summary>Per-study random variation of each tissue's signal (0.1: plus or minus 10 %).</summary>
    public double ContrastVariation { get; init; } = 0.1;

    // Phantom 1.x geometry; 2.x takes it from the acquisition.
    public int Rows { get; init; } = 320;
    public int Columns { get; init; } = 320;
    public double PixelSpacing { get; init; } = 0.6875;
    public double SliceThickness { get; init; } = 4;
    public double SliceSpacing { get; init; } = 4.4;

    /// <summary>Also write the distractor series (sagittal T2, axial T1) that series selection must skip.</summary>
    public bool Distractors { get; init; } = true;

    /// <summary>
    /// The study of <c>spine demo</c>: a teaching case with every grade somewhere, each finding's severity in the middle
    /// of its grade's band (clear cases, not borderline ones), acquired as 1.x was, with no variant.
    /// </summary>
    public static PhantomOptions Demo(int seed) => new()
    {
        Seed = seed,
        Grades = new Dictionary<SpinalLevel, LevelGrades>
        {
            [SpinalLevel.L1L2] = new(0, 0, 0, 0, 0),
            [SpinalLevel.L2L3] = new(0, 0, 1, 1, 0),
            [SpinalLevel.L3L4] = new(1, 1, 0, 1, 2),
            [SpinalLevel.L4L5] = new(3, 2, 2, 3, 2),
            [SpinalLevel.L5S1] = new(2, 1, 3, 2, 1),
        },
        Acquisition = Phantom.Acquisition.Default,
        Variants = StudyVariants.None([SpinalLevel.L1L2, SpinalLevel.L2L3, SpinalLevel.L3L4, SpinalLevel.L4L5, SpinalLevel.L5S1]),
    };
}
