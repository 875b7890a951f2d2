using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>
/// Phantom 2.x anatomy of one level: sizes from the published adult ranges scaled by the study's body size, and every
/// sign of disease drawn from the level's latent severity with noise of its own (the sign noise), so that two levels
/// of the same grade look different and the signs of neighbouring grades overlap. Variants add their own structure.
/// </summary>
internal static class AnatomyBuilder
{
    // By vertebral position: L1-L2 to L5-S1 (CLINICAL.md, ages 40-59), then a rudimentary S1-S2 disc.
    private static readonly double[] DiscAp = [30.2, 32.0, 32.9, 33.1, 31.3, 24.0];
    private static readonly double[] JointAngle = [25, 30, 40, 45, 50, 52];

    /// <summary>Standard deviation of each sign around its finding's latent severity.</summary>
    private const double SignNoise = 0.025;

    public static LevelAnatomy Build(SpinalLevel level, LevelGrades reference, LevelSeverity severity, LevelSeverity push, StudyBody body,
        IReadOnlyList<string> variants, bool trefoil, bool lipomatosis, bool flowVoids, Random random)
    {
        double Jitter(double value, double fraction) => value * (1 + (fraction * ((2 * random.NextDouble()) - 1)));
        double Sign(double latent) => Math.Clamp(latent + (SignNoise * Gaussian.Next(random)), 0, 1);
        var position = Math.Clamp(DiseaseModel.Position(level), 0, DiscAp.Length - 1);
        var b = body.Scale;

        // Central canal. The sac's own narrowing carries the severity that no variant explains; herniation, cyst, fat
        // pad and recesses take the rest of the area away themselves.
        var canal = Sign(severity.CentralCanal);
        var ownCanal = Math.Clamp(canal - push.CentralCanal, 0, 1);
        // A developmentally small canal is in the latent severity already (DiseaseModel), not drawn a second time here.
        var healthyArea = 165 * b * b;
        var targetArea = healthyArea * (1 - (0.68 * Math.Pow(ownCanal, 0.9))) * (1 + (0.015 * Gaussian.Next(random)));
        var aspect = Jitter(18.9 / 13.8, 0.08);
        var cutFraction = 0.25 * SmoothStep(0.12, 0.8, ownCanal);
        var ellipseArea = targetArea / (1 - SegmentFraction(2 * cutFraction));
        var sacW = Math.Sqrt(4 * ellipseArea * aspect / Math.PI);
        var sacAP = sacW / aspect;
        var sac = new Ellipse(0, 0, sacW / 2, sacAP / 2);
        var healthySacWidth = Math.Sqrt(4 * healthyArea * aspect / Math.PI);
        var cut = (-sacAP / 2) + (sacAP * cutFraction);

        // The CSF and roots as Lee 2011 grades them, each pattern starting where its sign's own threshold falls.
        var pattern = canal < 0.22 + (0.03 * Gaussian.Next(random)) ? 0 : canal < 0.48 + (0.03 * Gaussian.Next(random)) ? 1 : canal < 0.78 + (0.03 * Gaussian.Next(random)) ? 2 : 3;

        // Disc: its back meets the sac once the anterior CSF is effaced; bulge and degeneration grow with the level's disease.
        var discAP = Jitter(DiscAp[position] * b, 0.02);
        var discW = discAP * Jitter(1.5, 0.03);
        var discPosterior = cut - (2.0 - (1.8 * SmoothStep(0.1, 0.3, canal)));
        var bulge = 4.4 * Math.Pow(SmoothStep(0.1, 1, canal), 1.1);
        var slip = variants.Contains("spondylolisthesis") ? Jitter(3.5 * b, 0.3) : 0;
        bulge += slip;
        var discCentreV = discPosterior + bulge - (discAP / 2);
        var discOuter = new Ellipse(0, discCentreV, discW / 2, discAP / 2);
        Ellipse? concavity = bulge < 0.6 ? new Ellipse(0, discPosterior + 2.5, Jitter(7 * b, 0.15), 3.2) : null;
        Ellipse? bulgeShape = bulge < 0.6 ? null : new Ellipse(0, discPosterior - (discAP * 0.1), discW * (slip > 0 ? 0.46 : 0.36), bulge + (discAP * 0.1));
        var degeneration = Math.Clamp(((severity.CentralCanal + severity.FacetLeft + severity.FacetRight) / 3) + (0.12 * Gaussian.Next(random)), 0, 1);
        var nucleus = new Ellipse(0, discCentreV + 1, discW * 0.27, discAP * 0.22);

        // Posterior elements, placed from the sac and scaled with the body.
        var facetU = (sacW / 2) + Jitter(8.5 * b, 0.1);
        var facetV = Jitter(3.0 * b, 0.3);
        var jointAngle = (JointAngle[position] + (6 * ((2 * random.NextDouble()) - 1))) * Math.PI / 180;
        var flavumThickness = Jitter(2.6 * b, 0.15) + (1.6 * canal);
        var laminaV = (sacAP / 2) + flavumThickness + (3.5 * b);
        var facets = new[] { Facet(+1, Sign(severity.FacetLeft)), Facet(-1, Sign(severity.FacetRight)) };

        FacetJoint Facet(int side, double s)
        {
            var normal = (side * Math.Cos(jointAngle), -Math.Sin(jointAngle));
            var gap = Math.Max(0.4, (3.2 - (2.6 * s)) * b * Jitter(1, 0.08));
            var hypertrophy = 1 + (0.55 * s);
            var halfLength = 7.5 * b * hypertrophy;
            var (cu, cv) = (side * facetU, facetV);
            var along = Math.Atan2(normal.Item2, normal.Item1) + (Math.PI / 2);
            var superiorThickness = 3.6 * b * hypertrophy;
            var inferiorThickness = 4.2 * b * hypertrophy;
            var superior = new Ellipse(cu + (normal.Item1 * ((gap / 2) + superiorThickness)), cv + (normal.Item2 * ((gap / 2) + superiorThickness)), halfLength, superiorThickness, along);
            var inferior = new Ellipse(cu - (normal.Item1 * ((gap / 2) + inferiorThickness)), cv - (normal.Item2 * ((gap / 2) + inferiorThickness)), halfLength, inferiorThickness, along);
            var tangent = (-normal.Item2, normal.Item1);
            var osteophytes = new List<Ellipse>();
            for (var end = -1; end <= 1 && s > 0.2; end += 2)
            {
                var radius = (0.4 + (2.8 * (s - 0.2) / 0.8)) * Jitter(1, 0.15);
                osteophytes.Add(new Ellipse(cu + (tangent.Item1 * end * halfLength * 0.95), cv + (tangent.Item2 * end * halfLength * 0.95), radius, radius * 0.8, along));
            }

            // Fluid beyond the joint only in advanced disease, and then not always (Pathria: effusion often present at grade 3).
            Ellipse? effusion = s > 0.55 && random.NextDouble() < SmoothStep(0.55, 0.95, s)
                ? new Ellipse(cu - (normal.Item1 * 1.5) + (side * 1.5), cv + 2.5, halfLength * 0.75, (1.2 + (2.4 * s)) * b, along)
                : null;
            var cysts = new List<Ellipse>();
            for (var c = 0; s > 0.8 && c < 1 + random.Next(2); c++)
            {
                var host = c == 0 ? superior : inferior;
                var radius = Jitter(1.0 * b, 0.3);
                cysts.Add(new Ellipse(host.CentreU + (radius * ((2 * random.NextDouble()) - 1)), host.CentreV + (radius * ((2 * random.NextDouble()) - 1)), radius, radius));
            }

            return new FacetJoint(cu, cv, normal.Item1, normal.Item2, gap, halfLength, superior, inferior, osteophytes, effusion) { Cartilage = true, BoneCysts = cysts };
        }

        var foramina = new[] { Foramen(+1, Sign(severity.ForaminalLeft)), Foramen(-1, Sign(severity.ForaminalRight)) };

        Foramen Foramen(int side, double s)
        {
            // Lee 2010: perineural fat lost first in two opposing directions (here above and below the root, along the
            // foramen's long axis), then in four, then the root itself is deformed.
            // Placed from the pedicles (the healthy canal's width), not from the narrowed sac, so that the canal's grade
            // does not move the foramen over the disc and change the disc's measured area.
            var (cu, cv) = (side * ((healthySacWidth / 2) + Jitter(12 * b, 0.06)), Jitter(-7.5 * b, 0.12));
            var rootRadius = Jitter(2.2 * b, 0.1);
            var region = new Ellipse(cu, cv, 4.6 * b, 6.2 * b);
            var fat = new Ellipse(cu, cv,
                Math.Max(rootRadius + 0.3, region.SemiU * (1 - (0.95 * SmoothStep(0.45, 0.85, s)))),
                Math.Max(rootRadius + 0.3, region.SemiV * (1 - (0.95 * SmoothStep(0.1, 0.5, s)))));
            var deformity = SmoothStep(0.72, 1, s);
            if (deformity > 0)
            {
                fat = fat.Resized(Math.Max(0.01, fat.SemiU * (1 - deformity)), Math.Max(0.01, fat.SemiV * (1 - deformity)));
            }

            var root = new Ellipse(cu, cv, rootRadius * (1 + (0.45 * deformity)), rootRadius * (1 - (0.45 * deformity)));
            return new Foramen(region, fat, root);
        }

        Ellipse? herniation = null;
        Ellipse? cyst = null;
        foreach (var variant in variants)
        {
            var left = variant.EndsWith("-left", StringComparison.Ordinal);
            var sideSign = left ? 1 : -1;
            herniation = variant switch
            {
                "central-herniation" => new Ellipse(0, cut + Jitter(1.2 * b, 0.3), Jitter(5.5 * b, 0.15), Jitter(3.2 * b, 0.2)),
                _ when variant.StartsWith("paracentral-herniation", StringComparison.Ordinal) =>
                    new Ellipse(sideSign * sacW * 0.28, cut + Jitter(1.0 * b, 0.3), Jitter(4.0 * b, 0.15), Jitter(3.0 * b, 0.2)),
                _ when variant.StartsWith("foraminal-herniation", StringComparison.Ordinal) =>
                    new Ellipse(foramina[left ? 0 : 1].Region.CentreU - (sideSign * 1.5), foramina[left ? 0 : 1].Region.CentreV - (2.5 * b), Jitter(3.2 * b, 0.15), Jitter(2.8 * b, 0.2)),
                _ => herniation,
            };
            if (variant.StartsWith("synovial-cyst", StringComparison.Ordinal))
            {
                var radius = Jitter(3.0 * b, 0.25);
                cyst = new Ellipse(sideSign * ((sacW / 2) + 0.5), facetV - 1.5, radius, radius * 0.9);
            }
        }

        Ellipse? fatPad = lipomatosis ? new Ellipse(0, (sacAP / 2) - 0.5, sacW * 0.42, Jitter(3.5 * b, 0.2) + (3 * push.CentralCanal)) : null;
        IReadOnlyList<Ellipse> recessCuts = trefoil
            ? [new Ellipse(sacW * 0.42, -sacAP * 0.12, 2.4 * b, 3.4 * b, 0.5), new Ellipse(-sacW * 0.42, -sacAP * 0.12, 2.4 * b, 3.4 * b, -0.5)]
            : [];
        var rootlets = LevelAnatomy.PlaceRootlets(sac, cut, pattern, random);
        var voids = new List<Ellipse>();
        for (var n = 0; flowVoids && pattern < 3 && n < 1 + random.Next(3); n++)
        {
            var radius = Jitter(1.0 * b, 0.3);
            voids.Add(new Ellipse(sacW * 0.3 * ((2 * random.NextDouble()) - 1), sacAP * (0.1 + (0.25 * random.NextDouble())), radius, radius * 0.8));
        }

        return new LevelAnatomy
        {
            Level = level,
            Grades = reference,
            Sac = sac,
            SacAnteriorLimit = cut,
            Rootlets = rootlets,
            SacBundle = pattern == 3,
            DiscOuter = discOuter,
            DiscConcavity = concavity,
            DiscBulge = bulgeShape,
            Nucleus = nucleus,
            NucleusSignal = 1 - (0.75 * degeneration),
            DiscHalfHeight = Jitter(5.5 * b * (position == 5 ? 0.5 : 1), 0.15),
            Canal = new Ellipse(0, 0.8, (sacW / 2) + (5.5 * b), (sacAP / 2) + (3.2 * b)),
            Flavum = [
                new Capsule(facetU - (4.5 * b), facetV - 1.5, 1.5, (sacAP / 2) + (flavumThickness / 2) + 0.3, flavumThickness / 2),
                new Capsule(-(facetU - (4.5 * b)), facetV - 1.5, -1.5, (sacAP / 2) + (flavumThickness / 2) + 0.3, flavumThickness / 2),
            ],
            Laminae = [
                new Capsule(facets[0].Inferior.CentreU, facets[0].Inferior.CentreV, 0, laminaV, 2.8 * b),
                new Capsule(facets[1].Inferior.CentreU, facets[1].Inferior.CentreV, 0, laminaV, 2.8 * b),
            ],
            Spinous = new Capsule(0, laminaV, 0, laminaV + Jitter(26 * b, 0.1), 3.2 * b),
            Facets = facets,
            Foramina = foramina,
            Muscles = [
                new Ellipse(13 * b, laminaV + (13 * b), 10 * b, 17 * b), new Ellipse(-13 * b, laminaV + (13 * b), 10 * b, 17 * b), // multifidus
                new Ellipse(36 * b, laminaV + (8 * b), 19 * b, 24 * b, 0.2), new Ellipse(-36 * b, laminaV + (8 * b), 19 * b, 24 * b, -0.2), // erector spinae
                new Ellipse(62 * b, discCentreV + (22 * b), 13 * b, 20 * b, 0.5), new Ellipse(-62 * b, discCentreV + (22 * b), 13 * b, 20 * b, -0.5), // quadratus lumborum
                new Ellipse((discW / 2) + (12 * b), discCentreV + 2, 15 * b, 21 * b, -0.3), new Ellipse(-(discW / 2) - (12 * b), discCentreV + 2, 15 * b, 21 * b, 0.3), // psoas
            ],
            Vessels = [new Ellipse(-9 * b, discCentreV - (discAP / 2) - (9 * b), 9 * b, 8.5 * b), new Ellipse(13 * b, discCentreV - (discAP / 2) - (7 * b), 10.5 * b, 8 * b)],
            SubcutaneousV = laminaV + Jitter(33 * b, 0.1),
            SkinV = laminaV + Jitter(52 * b, 0.15),
            Herniation = herniation,
            Cyst = cyst,
            FatPad = fatPad,
            RecessCuts = recessCuts,
            FlowVoids = voids,
        };
    }

    /// <summary>
    /// The level as a slice <paramref name="offset"/> millimetres from the disc's mid-plane shows it: what the disc
    /// pushes into the canal (bulge, herniation, the effaced front of the sac) fades away from the disc, and the
    /// foramina hold more fat there, so the slice through the disc is the worst, the one a reader grades on.
    /// </summary>
    public static LevelAnatomy AtOffset(LevelAnatomy anatomy, double offset)
    {
        ArgumentNullException.ThrowIfNull(anatomy);
        var near = Math.Exp(-(offset * offset) / (4.5 * 4.5));
        var keep = 0.35 + (0.65 * near);
        var healthyFront = -anatomy.Sac.SemiV;
        return anatomy with
        {
            SacAnteriorLimit = healthyFront + ((anatomy.SacAnteriorLimit - healthyFront) * keep),
            DiscBulge = anatomy.DiscBulge is { } bulge ? bulge.Resized(bulge.SemiU, bulge.SemiV * keep) : null,
            Herniation = anatomy.Herniation is { } herniation ? herniation.Resized(herniation.SemiU * keep, herniation.SemiV * keep) : null,
            Foramina = [.. anatomy.Foramina.Select(f => f with
            {
                Fat = f.Fat.Resized(Math.Min(f.Region.SemiU, f.Fat.SemiU * (1 + (0.3 * (1 - near)))), Math.Min(f.Region.SemiV, f.Fat.SemiV * (1 + (0.3 * (1 - near))))),
            })],
        };
    }

    private static double SmoothStep(double edge0, double edge1, double x)
    {
        var t = Math.Clamp((x - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - (2 * t));
    }

    /// <summary>Fraction of an ellipse's area cut off by a chord at <paramref name="height"/> semi-axes from its edge (0 to 2).</summary>
    private static double SegmentFraction(double height)
    {
        var h = Math.Clamp(height, 0, 2);
        return (Math.Acos(1 - h) - ((1 - h) * Math.Sqrt((2 * h) - (h * h)))) / Math.PI;
    }
}
