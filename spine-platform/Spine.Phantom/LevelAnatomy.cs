using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>One side's facet joint: superior articular process (of the lower vertebra, anterolateral) and inferior articular process (of the upper, posteromedial).</summary>
internal sealed record FacetJoint(
    double CentreU, double CentreV, double NormalU, double NormalV, double Gap, double HalfLength,
    Ellipse Superior, Ellipse Inferior, IReadOnlyList<Ellipse> Osteophytes, Ellipse? Effusion)
{
    /// <summary>
    /// Phantom 2.x: the joint space is cartilage with a fluid line thinner than a pixel, as a healthy joint looks on
    /// T2 (1.x filled it with fluid, which reads as an effusion).
    /// </summary>
    public bool Cartilage { get; init; }

    /// <summary>Phantom 2.x: subchondral cysts, fluid-bright, in the bone of a severely degenerate joint.</summary>
    public IReadOnlyList<Ellipse> BoneCysts { get; init; } = [];

    /// <summary>Within the joint's central fluid line (half its width either side of the joint's middle).</summary>
    public bool InFluidLine(double u, double v, double halfWidth)
    {
        var (du, dv) = (u - CentreU, v - CentreV);
        var across = (du * NormalU) + (dv * NormalV);
        var along = (-du * NormalV) + (dv * NormalU);
        return Math.Abs(across) <= halfWidth && Math.Abs(along) <= HalfLength;
    }

    public bool InJointSpace(double u, double v)
    {
        var (du, dv) = (u - CentreU, v - CentreV);
        var across = (du * NormalU) + (dv * NormalV);
        var along = (-du * NormalV) + (dv * NormalU);
        return Math.Abs(across) <= Gap / 2 && Math.Abs(along) <= HalfLength;
    }

    private readonly Ellipse _superiorMarrow = Superior.Resized(Math.Max(0.1, Superior.SemiU - 1.2), Math.Max(0.1, Superior.SemiV - 1.2));
    private readonly Ellipse _inferiorMarrow = Inferior.Resized(Math.Max(0.1, Inferior.SemiU - 1.2), Math.Max(0.1, Inferior.SemiV - 1.2));

    public bool InOsteophyte(double u, double v)
    {
        for (var i = 0; i < Osteophytes.Count; i++)
        {
            if (Osteophytes[i].Contains(u, v))
            {
                return true;
            }
        }

        return false;
    }

    public bool InBone(double u, double v) => Superior.Contains(u, v) || Inferior.Contains(u, v) || InOsteophyte(u, v);

    /// <summary>Bone within 1.2 mm of its surface: cortex, dark on every sequence.</summary>
    public bool InCortex(double u, double v) =>
        (Superior.Contains(u, v) && !_superiorMarrow.Contains(u, v) && !Inferior.Contains(u, v))
        || (Inferior.Contains(u, v) && !_inferiorMarrow.Contains(u, v))
        || InOsteophyte(u, v);

    /// <summary>Bounds of bone, joint and effusion together.</summary>
    public (double MinU, double MinV, double MaxU, double MaxV) Bounds { get; } = BoundsOf(Superior, Inferior, Osteophytes);

    private static (double, double, double, double) BoundsOf(Ellipse superior, Ellipse inferior, IReadOnlyList<Ellipse> osteophytes)
    {
        var boxes = new[] { superior.Bounds, inferior.Bounds }.Concat(osteophytes.Select(o => o.Bounds)).ToList();
        return (boxes.Min(b => b.Item1), boxes.Min(b => b.Item2), boxes.Max(b => b.Item3), boxes.Max(b => b.Item4));
    }

    /// <summary>Bounds grown to hold the effusion too: outside them nothing of the joint is drawn.</summary>
    public bool Near(double u, double v) => u >= Bounds.MinU - 6 && u <= Bounds.MaxU + 6 && v >= Bounds.MinV - 6 && v <= Bounds.MaxV + 6;
}

/// <summary>One side's neural foramen: perineural fat around the exiting root; <see cref="Region"/> is its extent in health.</summary>
internal sealed record Foramen(Ellipse Region, Ellipse Fat, Ellipse Root);

/// <summary>
/// The in-plane anatomy of one disc level, in millimetres in a frame centred on the dural sac: u towards the
/// patient's left, v towards posterior. Sizes are drawn from published adult ranges; grades shape the stenosis.
/// </summary>
internal sealed record LevelAnatomy
{
    // Disc AP length by level (ages 40-59), CLINICAL.md: 30.2, 32.0, 32.9, 33.1, 31.3 mm.
    private static readonly double[] DiscApByLevel = [30.2, 32.0, 32.9, 33.1, 31.3];

    // Dural sac cross-sectional area bands per central canal grade (mm2): above 130 normal, below 100 relative and below 75 absolute stenosis.
    private static readonly (double Low, double High)[] SacAreaByGrade = [(135, 190), (102, 128), (78, 97), (45, 72)];

    public required SpinalLevel Level { get; init; }
    public required LevelGrades Grades { get; init; }
    public required Ellipse Sac { get; init; }

    /// <summary>Sac points need v at or behind this line (anterior flattening by the bulging disc).</summary>
    public required double SacAnteriorLimit { get; init; }
    public required IReadOnlyList<Ellipse> Rootlets { get; init; }
    public required Ellipse DiscOuter { get; init; }

    /// <summary>The vertebral body inside its 1.5 mm cortex.</summary>
    public Ellipse BodyMarrow => _bodyMarrow ??= DiscOuter.Resized(DiscOuter.SemiU - 1.5, DiscOuter.SemiV - 1.5);

    private Ellipse? _bodyMarrow;
    public required Ellipse? DiscConcavity { get; init; }
    public required Ellipse? DiscBulge { get; init; }
    public required Ellipse Nucleus { get; init; }
    public required double NucleusSignal { get; init; }
    public required double DiscHalfHeight { get; init; }
    public required Ellipse Canal { get; init; }
    public required IReadOnlyList<Capsule> Flavum { get; init; }
    public required IReadOnlyList<Capsule> Laminae { get; init; }
    public required Capsule Spinous { get; init; }

    /// <summary>Index 0 is the patient's left (u greater than 0), 1 the right.</summary>
    public required IReadOnlyList<FacetJoint> Facets { get; init; }
    public required IReadOnlyList<Foramen> Foramina { get; init; }
    public required IReadOnlyList<Ellipse> Muscles { get; init; }
    public required IReadOnlyList<Ellipse> Vessels { get; init; }
    public required double SkinV { get; init; }
    public required double SubcutaneousV { get; init; }

    /// <summary>Phantom 2.x: whether the sac is one bundle, from the latent severity; 1.x leaves it to the grade.</summary>
    public bool? SacBundle { get; init; }

    /// <summary>The sac is one bundle of roots with no CSF left (severe stenosis).</summary>
    public bool Bundled => SacBundle ?? Grades.CentralCanal == 3;

    /// <summary>Phantom 2.x: disc material beyond the annulus (central, paracentral or foraminal herniation).</summary>
    public Ellipse? Herniation { get; init; }

    /// <summary>Phantom 2.x: a synovial cyst from a facet joint, bulging into the canal.</summary>
    public Ellipse? Cyst { get; init; }

    /// <summary>Phantom 2.x: epidural fat in excess (lipomatosis) behind the sac, which it compresses.</summary>
    public Ellipse? FatPad { get; init; }

    /// <summary>Phantom 2.x: where the lateral recesses pinch the sac (a trefoil canal); not sac.</summary>
    public IReadOnlyList<Ellipse> RecessCuts { get; init; } = [];

    /// <summary>Phantom 2.x: CSF flow voids, dark spots in the sac.</summary>
    public IReadOnlyList<Ellipse> FlowVoids { get; init; } = [];

    /// <summary>Whether a point is dural sac: inside its outline, behind the disc's front and clear of what displaces it.</summary>
    public bool InSac(double u, double v)
    {
        if (!Sac.Contains(u, v) || v < SacAnteriorLimit)
        {
            return false;
        }

        if ((Herniation is { } herniation && herniation.Contains(u, v)) || (Cyst is { } cyst && cyst.Contains(u, v)) || (FatPad is { } pad && pad.Contains(u, v)))
        {
            return false;
        }

        for (var r = 0; r < RecessCuts.Count; r++)
        {
            if (RecessCuts[r].Contains(u, v))
            {
                return false;
            }
        }

        return true;
    }

    public static LevelAnatomy Create(SpinalLevel level, LevelGrades grades, Random random)
    {
        double Jitter(double value, double fraction) => value * (1 + (fraction * ((2 * random.NextDouble()) - 1)));

        var g = grades.CentralCanal;
        var (low, high) = SacAreaByGrade[g];
        var targetArea = low + ((high - low) * random.NextDouble());
        var aspect = Jitter(18.9 / 13.8, 0.08);
        var keep = new[] { 1.0, 0.93, 0.88, 0.85 }[g];
        var ellipseArea = targetArea / keep;
        var sacW = Math.Sqrt(4 * ellipseArea * aspect / Math.PI);
        var sacAP = sacW / aspect;
        var sac = new Ellipse(0, 0, sacW / 2, sacAP / 2);
        var cut = -sacAP / 2 + (sacAP * new[] { 0.0, 0.14, 0.2, 0.25 }[g]);

        // Disc: its posterior margin meets the sac wall once the anterior CSF is effaced (grade 1 and worse).
        var discAP = Jitter(DiscApByLevel[(int)level], 0.05);
        var discW = discAP * Jitter(1.5, 0.06);
        var discPosterior = g == 0 ? cut - Jitter(2.0, 0.3) : cut - 0.2;
        var bulge = g == 0 ? 0 : 1.2 + (1.4 * g);
        var discCentreV = discPosterior + bulge - (discAP / 2);
        var discOuter = new Ellipse(0, discCentreV, discW / 2, discAP / 2);
        Ellipse? concavity = g == 0 ? new Ellipse(0, discPosterior + 2.5, Jitter(7, 0.15), 3.2) : null;
        Ellipse? bulgeShape = g == 0 ? null : new Ellipse(0, discPosterior - (discAP * 0.1), discW * 0.36, bulge + (discAP * 0.1));
        var degeneration = Math.Min(1, (0.15 * g) + (0.25 * random.NextDouble()));
        var nucleus = new Ellipse(0, discCentreV + 1, discW * 0.27, discAP * 0.22);

        // Posterior elements, scaled with the sac: facets beside and slightly behind it.
        var facetU = (sacW / 2) + Jitter(8.5, 0.1);
        var facetV = Jitter(3.0, 0.3);
        var jointAngle = (new[] { 25.0, 30, 40, 45, 50 }[(int)level] + (6 * ((2 * random.NextDouble()) - 1))) * Math.PI / 180;
        var flavumThickness = Jitter(2.6, 0.15) + (1.1 * g);
        var laminaV = (sacAP / 2) + flavumThickness + 3.5;
        var facets = new[] { Facet(+1, grades.FacetLeft), Facet(-1, grades.FacetRight) };

        FacetJoint Facet(int side, int grade)
        {
            // The joint line runs from anterolateral-posterior... its normal points anterolaterally, towards the superior process.
            var normal = (side * Math.Cos(jointAngle), -Math.Sin(jointAngle));
            var gap = new[] { Jitter(3.0, 0.2), Jitter(1.5, 0.2), Jitter(1.0, 0.2), Jitter(0.6, 0.2) }[grade];
            var hypertrophy = 1 + (0.14 * grade);
            var halfLength = 7.5 * hypertrophy;
            var (cu, cv) = (side * facetU, facetV);
            var along = Math.Atan2(normal.Item2, normal.Item1) + (Math.PI / 2);
            var superiorThickness = 3.6 * hypertrophy;
            var inferiorThickness = 4.2 * hypertrophy;
            var superior = new Ellipse(cu + (normal.Item1 * ((gap / 2) + superiorThickness)), cv + (normal.Item2 * ((gap / 2) + superiorThickness)), halfLength, superiorThickness, along);
            var inferior = new Ellipse(cu - (normal.Item1 * ((gap / 2) + inferiorThickness)), cv - (normal.Item2 * ((gap / 2) + inferiorThickness)), halfLength, inferiorThickness, along);
            var tangent = (-normal.Item2, normal.Item1);
            var osteophytes = new List<Ellipse>();
            for (var end = -1; end <= 1 && grade > 0; end += 2)
            {
                var radius = 0.9 + (0.8 * grade) + (0.3 * random.NextDouble());
                osteophytes.Add(new Ellipse(cu + (tangent.Item1 * end * halfLength * 0.95), cv + (tangent.Item2 * end * halfLength * 0.95), radius, radius * 0.8, along));
            }

            Ellipse? effusion = grade >= 3 || (grade == 2 && random.NextDouble() < 0.4)
                ? new Ellipse(cu - (normal.Item1 * 1.5) + (side * 1.5), cv + 2.5, halfLength * 0.75, 2.2 + (0.6 * grade), along)
                : null;
            return new FacetJoint(cu, cv, normal.Item1, normal.Item2, gap, halfLength, superior, inferior, osteophytes, effusion);
        }

        var foramina = new[] { ForamenOf(+1, grades.ForaminalLeft), ForamenOf(-1, grades.ForaminalRight) };

        Foramen ForamenOf(int side, int grade)
        {
            // Lateral to the sac, in front of the superior articular process, behind the disc's posterolateral margin.
            var (cu, cv) = (side * ((sacW / 2) + Jitter(12, 0.06)), Jitter(-7.5, 0.12));
            var rootRadius = Jitter(2.2, 0.1);
            var region = new Ellipse(cu, cv, 4.6, 6.2);
            var fat = grade switch
            {
                0 => region,
                1 => region.Resized(region.SemiU, rootRadius + 0.4), // obliterated anteriorly and posteriorly: two opposing directions
                2 => new Ellipse(cu, cv, rootRadius + 0.35, rootRadius + 0.35), // four directions
                _ => new Ellipse(cu, cv, 0.01, 0.01),
            };
            var root = grade == 3 ? new Ellipse(cu, cv, rootRadius * 1.45, rootRadius * 0.55) : new Ellipse(cu, cv, rootRadius, rootRadius);
            return new Foramen(region, fat, root);
        }

        return new LevelAnatomy
        {
            Level = level,
            Grades = grades,
            Sac = sac,
            SacAnteriorLimit = cut,
            Rootlets = PlaceRootlets(sac, cut, g, random),
            DiscOuter = discOuter,
            DiscConcavity = concavity,
            DiscBulge = bulgeShape,
            Nucleus = nucleus,
            NucleusSignal = 1 - (0.75 * degeneration),
            DiscHalfHeight = Jitter(5.5, 0.15),
            Canal = new Ellipse(0, 0.8, (sacW / 2) + 5.5, (sacAP / 2) + 3.2),
            Flavum = [
                new Capsule(facetU - 4.5, facetV - 1.5, 1.5, (sacAP / 2) + (flavumThickness / 2) + 0.3, flavumThickness / 2),
                new Capsule(-(facetU - 4.5), facetV - 1.5, -1.5, (sacAP / 2) + (flavumThickness / 2) + 0.3, flavumThickness / 2),
            ],
            Laminae = [
                new Capsule(facets[0].Inferior.CentreU, facets[0].Inferior.CentreV, 0, laminaV, 2.8),
                new Capsule(facets[1].Inferior.CentreU, facets[1].Inferior.CentreV, 0, laminaV, 2.8),
            ],
            Spinous = new Capsule(0, laminaV, 0, laminaV + Jitter(26, 0.1), 3.2),
            Facets = facets,
            Foramina = foramina,
            Muscles = [
                new Ellipse(13, laminaV + 13, 10, 17), new Ellipse(-13, laminaV + 13, 10, 17), // multifidus
                new Ellipse(36, laminaV + 8, 19, 24, 0.2), new Ellipse(-36, laminaV + 8, 19, 24, -0.2), // erector spinae
                new Ellipse(62, discCentreV + 22, 13, 20, 0.5), new Ellipse(-62, discCentreV + 22, 13, 20, -0.5), // quadratus lumborum
                new Ellipse((discW / 2) + 12, discCentreV + 2, 15, 21, -0.3), new Ellipse(-(discW / 2) - 12, discCentreV + 2, 15, 21, 0.3), // psoas
            ],
            Vessels = [new Ellipse(-9, discCentreV - (discAP / 2) - 9, 9, 8.5), new Ellipse(13, discCentreV - (discAP / 2) - 7, 10.5, 8)],
            SubcutaneousV = laminaV + Jitter(33, 0.1),
            SkinV = laminaV + Jitter(52, 0.15),
        };
    }

    /// <summary>
    /// Cauda equina rootlets (Lee 2011): lying dorsally and separable in health; filling the sac with the anterior CSF
    /// effaced in mild stenosis; aggregated into clumps in moderate; severe stenosis leaves no CSF to separate them.
    /// </summary>
    internal static List<Ellipse> PlaceRootlets(Ellipse sac, double cut, int grade, Random random)
    {
        var rootlets = new List<Ellipse>();
        if (grade == 3)
        {
            return rootlets; // The whole sac is one bundle: drawn as rootlet tissue.
        }

        var count = 16 + random.Next(6);
        var clumps = grade == 2 ? Enumerable.Range(0, 2 + random.Next(2)).Select(_ => (u: sac.SemiU * 0.5 * ((2 * random.NextDouble()) - 1), v: sac.SemiV * (0.1 + (0.4 * random.NextDouble())))).ToList() : null;
        for (var n = 0; n < count; n++)
        {
            double u, v;
            var attempts = 0;
            do
            {
                if (clumps is not null)
                {
                    var (cu, cv) = clumps[n % clumps.Count];
                    (u, v) = (cu + (1.2 * Gaussian(random)), cv + (1.0 * Gaussian(random)));
                }
                else
                {
                    var angle = Math.PI * (grade == 0 ? 0.15 + (0.7 * random.NextDouble()) : 0.05 + (0.9 * random.NextDouble()));
                    var radius = grade == 0 ? 0.55 + (0.35 * random.NextDouble()) : 0.2 + (0.7 * random.NextDouble());
                    (u, v) = (sac.SemiU * radius * Math.Cos(angle), sac.SemiV * radius * Math.Sin(angle) * (grade == 0 ? 1 : 0.9));
                    if (grade == 1)
                    {
                        v -= sac.SemiV * 0.25; // Spread towards the front, where the CSF is gone.
                    }
                }
            }
            while ((sac.Level(u, v) > 0.7 || v < cut + 1.2 || rootlets.Any(r => grade < 2 && Math.Abs(r.CentreU - u) < 2 && Math.Abs(r.CentreV - v) < 2)) && ++attempts < 60);

            var size = grade == 2 ? 1.25 : 0.85 + (0.2 * random.NextDouble());
            rootlets.Add(new Ellipse(u, v, size, size));
        }

        return rootlets;
    }

    private static double Gaussian(Random random) => Phantom.Gaussian.Next(random);
}
