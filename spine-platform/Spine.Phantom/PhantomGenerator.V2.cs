using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Phantom;

public static partial class PhantomGenerator
{
    /// <summary>The generator that writes a 2.x study.</summary>
    public const string Version2 = "spine-phantom 2.0";

    /// <summary>
    /// Phantom 2.0: a body size and a disease burden per study; per level latent severities (correlated within the
    /// level, heavier at L4-L5 and L5-S1) that three simulated readers grade and every visible sign is drawn from;
    /// anatomy that changes along the slab; the profile's variants and acquisition, with its artefacts.
    /// </summary>
    private static PhantomStudy GenerateVersion2(PhantomOptions options)
    {
        var random = new Random(options.Seed);
        var uid = (string _) => DicomUid.FromGuid(NextGuid(random));
        var (study, frameOfReference) = Identity(options, random);
        var variants = options.Variants ?? ProfileDraw.DrawVariants(options.Profile, random);
        var acquisition = options.Acquisition ?? ProfileDraw.DrawAcquisition(options.Profile, random);
        if (options.ContiguousStack)
        {
            acquisition = acquisition with { ContiguousStack = true };
        }

        if (acquisition.Has("metal") && acquisition.MetalLevel is null)
        {
            acquisition = acquisition with { MetalLevel = variants.Covered[random.Next(variants.Covered.Count)] };
        }

        // The 1.x renderer takes its geometry from the options: give it this study's acquisition.
        var scan = options with
        {
            Rows = acquisition.Rows, Columns = acquisition.Columns, PixelSpacing = acquisition.PixelSpacingMm,
            SliceThickness = acquisition.SliceThicknessMm, SliceSpacing = acquisition.SliceSpacingMm, Noise = acquisition.Noise, Bias = acquisition.Bias,
        };
        var t2Signals = TissueSignals.ForStudy(random, options.ContrastVariation, t1: false, phantom2: true, acquisition.FieldStrengthTesla);
        var t1Signals = TissueSignals.ForStudy(random, options.ContrastVariation, t1: true, phantom2: true, acquisition.FieldStrengthTesla);
        var bias = Enumerable.Range(0, 4).Select(_ => ((2 * random.NextDouble()) - 1) * acquisition.Bias / 2).ToArray();
        var patientShift = new Vector3D(4 * ((2 * random.NextDouble()) - 1), 4 * ((2 * random.NextDouble()) - 1), 0);
        var top = 150 + (10 * random.NextDouble());
        var body = DiseaseModel.DrawBody(random);

        // Scoliosis: the curve rotates and tilts neighbouring levels together.
        var curve = variants.Scoliosis ? (Rotation: (8 + (8 * random.NextDouble())) * (random.NextDouble() < 0.5 ? -1 : 1), Tilt: 4 + (5 * random.NextDouble())) : (Rotation: 0.0, Tilt: 0.0);

        var axialUid = uid("ax-t2");
        var axialImages = new List<DicomDataset>();
        var slabs = new List<PhantomSlab>();
        var levels = new List<LevelTruth>();
        var anatomies = new List<(LevelAnatomy Anatomy, Vector3D Centre)>();
        var frames = new List<SlabFrame>();
        var stacked = new List<(SpinalLevel Level, int Position, LevelDraw Truth, LevelAnatomy Anatomy, Vector3D Centre, double Tilt, double Rotation)>();

        void RenderLevel(SpinalLevel level, int position, LevelDraw drawn, LevelAnatomy anatomy, SlabFrame frame)
        {
            var slices = frame.Offsets.Length;
            var image = new Volume<float>(scan.Columns, scan.Rows, slices, frame.Geometry);
            var labels = new Volume<byte>(scan.Columns, scan.Rows, slices, frame.Geometry);
            double exactSacArea = 0;
            var metal = acquisition.MetalLevel == level;
            var index = Math.Clamp(position, 0, TiltByLevel.Length - 1);
            for (var k = 0; k < slices; k++)
            {
                var atSlice = AnatomyBuilder.AtOffset(anatomy, frame.Offsets[k]);
                var geometricSacArea = Render(atSlice, frame, k, t2Signals, bias, scan, image.Slice(k), labels.Slice(k));
                if (k == frame.MidSlice)
                {
                    exactSacArea = geometricSacArea;
                }

                ApplyArtefacts(atSlice, frame, k, t2Signals, bias, scan, acquisition, metal, image.Slice(k), ArtefactRandom(options.Seed, position, k));
                AddNoise(image.Slice(k), acquisition.Noise * t2Signals[(int)Tissue.Csf], NoiseRandom(options.Seed, index, k));
            }

            var first = axialImages.Count + 1;
            for (var k = 0; k < slices; k++)
            {
                axialImages.Add(Image(study, axialUid, 3, "AX T2 FSE", frameOfReference, frame.Geometry.PlaneOf(k), axialImages.Count + 1, image.Slice(k), scan, tr: 4200, te: 102, random, acquisition.FieldStrengthTesla));
            }

            anatomies.Add((anatomy, frame.Centre));
            frames.Add(frame);
            slabs.Add(new PhantomSlab(level, image, labels));
            var pixelArea = scan.PixelSpacing * scan.PixelSpacing;
            var midLabels = labels.Slice(frame.MidSlice);
            var graded = AnatomyBuilder.AtOffset(anatomy, frame.Offsets[frame.MidSlice]);
            var truth = Truth(graded, frame, first, slices, midLabels.Count(Labels.ThecalSac) * pixelArea, exactSacArea, midLabels.Count(Labels.Disc) * pixelArea, $"labels/{LevelName(level)}.nii.gz");
            levels.Add(truth with
            {
                Readers = drawn.Readers,
                Severity = drawn.Severity,
                Variants = drawn.Variants,
                PixelSpacingMm = scan.PixelSpacing,
                NotAssessableReason = metal ? "a metal implant's susceptibility artefact wipes out the canal and the foramina" : null,
                ForamenLeftAsSeen = ForamenAsSeen(frame, midLabels, scan.Columns, scan.Rows, graded.Foramina[0]),
                ForamenRightAsSeen = ForamenAsSeen(frame, midLabels, scan.Columns, scan.Rows, graded.Foramina[1]),
                FacetLeftAsSeen = Box(frame, JointAsSeen(graded.Facets[0])),
                FacetRightAsSeen = Box(frame, JointAsSeen(graded.Facets[1])),
            });
        }

        foreach (var level in variants.Covered)
        {
            var position = DiseaseModel.Position(level);
            var levelVariants = variants.Levels.TryGetValue(level, out var own) ? own : [];
            var push = DiseaseModel.Push(levelVariants, variants.Trefoil, variants.EpiduralLipomatosis);
            var given = options.Grades.TryGetValue(level, out var grades) ? grades : null;
            var severity = given is null ? DiseaseModel.Draw(position, body, push, random) : DiseaseModel.ForGrades(given, random);
            var readers = ReaderStudy.Read(severity, random);
            var reference = given ?? ReaderStudy.Majority(readers);
            var anatomy = AnatomyBuilder.Build(level, reference, severity, given is null ? push : new LevelSeverity(0, 0, 0, 0, 0), body, levelVariants,
                variants.Trefoil, variants.EpiduralLipomatosis, acquisition.Has("csf-flow-voids"), random);

            var index = Math.Clamp(position, 0, TiltByLevel.Length - 1);
            var centre = patientShift + new Vector3D(0, 10 + AnteriorShiftByLevel[index] + (2 * ((2 * random.NextDouble()) - 1)), top - (position * (36 + (3 * random.NextDouble()))));
            var tilt = (TiltByLevel[index] + (3 * ((2 * random.NextDouble()) - 1))) * Math.PI / 180;
            var bend = Math.Sin(Math.PI * (position + 1) / 6);
            var rotation = ((4 * ((2 * random.NextDouble()) - 1)) + (curve.Rotation * bend)) * Math.PI / 180;
            var lateralTilt = curve.Tilt * Math.Cos(Math.PI * (position + 1) / 6) * Math.PI / 180;
            var slices = 3 + random.Next(options.Profile == PhantomProfile.Hard ? 4 : 3);
            var positionJitter = (2 * random.NextDouble()) - 1;
            var drawn = new LevelDraw(readers, severity, levelVariants);
            if (acquisition.ContiguousStack)
            {
                stacked.Add((level, position, drawn, anatomy, centre, tilt, rotation));
                continue;
            }

            RenderLevel(level, position, drawn, anatomy, new SlabFrame(centre, tilt, rotation, scan, positionJitter, slices, lateralTilt));
        }

        if (stacked.Count > 0)
        {
            // One unangled stack from half a disc spacing below the lowest disc to as far above the highest; each slice
            // shows the level whose disc is nearest, cut obliquely where the disc is tilted.
            var (low, high) = (stacked.Min(l => l.Centre.Z) - StackMarginMm, stacked.Max(l => l.Centre.Z) + StackMarginMm);
            var count = (int)Math.Floor((high - low) / scan.SliceSpacing) + 1;
            var origin = SlabFrame.StackOrigin(stacked.Average(l => l.Centre.X), stacked.Average(l => l.Centre.Y), scan);
            var nearest = Enumerable.Range(0, count).Select(n => stacked.Select((l, i) => (Distance: Math.Abs(low + (n * scan.SliceSpacing) - l.Centre.Z), i)).MinBy(d => d.Distance).i).ToList();
            for (var i = 0; i < stacked.Count; i++)
            {
                var (first, slices) = (nearest.IndexOf(i), nearest.Count(n => n == i));
                var l = stacked[i];
                RenderLevel(l.Level, l.Position, l.Truth, l.Anatomy, SlabFrame.InStack(l.Centre, l.Tilt, l.Rotation, scan, origin, low + (first * scan.SliceSpacing), slices));
            }
        }

        var series = new List<PhantomSeries> { new(axialUid, "AX T2 FSE", "ax_t2", axialImages) };
        if (options.Distractors)
        {
            // The axial T1 covers the level nearest L4-L5, as a protocol aimed at the lower lumbar spine does.
            var t1Index = frames.Select((_, i) => i).MinBy(i => Math.Abs(DiseaseModel.Position(variants.Covered[i]) - 3));
            series.Insert(0, Sagittal(study, uid("sag-t2"), frameOfReference, anatomies, t2Signals, scan, random));
            series.Add(AxialT1(study, uid("ax-t1"), frameOfReference, anatomies[t1Index].Anatomy, frames[t1Index], t1Signals, bias, scan, random));
        }

        var groundTruth = new GroundTruth
        {
            Seed = options.Seed,
            Generator = Version2,
            StudyInstanceUid = study.StudyInstanceUid,
            AxialT2SeriesInstanceUid = axialUid,
            PixelSpacingMm = scan.PixelSpacing,
            SliceThicknessMm = scan.SliceThickness,
            Levels = levels,
            Profile = options.Profile,
            Acquisition = acquisition,
            Variants = variants,
        };
        return new PhantomStudy(groundTruth, series, slabs);
    }

    /// <summary>What was drawn for a level before it is rendered: its readers' grades, latent severity and variants.</summary>
    private sealed record LevelDraw(IReadOnlyList<LevelGrades> Readers, LevelSeverity Severity, IReadOnlyList<string> Variants);

    /// <summary>How far a contiguous stack reaches beyond the outermost discs: about half the distance between two discs.</summary>
    private const double StackMarginMm = 18;

    /// <summary>The artefacts of the study's acquisition on one rendered slice, in the order a scanner makes them.</summary>
    private static void ApplyArtefacts(LevelAnatomy anatomy, SlabFrame frame, int k, float[] signals, double[] bias, PhantomOptions scan, Acquisition acquisition, bool metal, Span<float> signal, Random random)
    {
        var (columns, rows) = (scan.Columns, scan.Rows);
        if (metal)
        {
            // Screws in the pedicles: the void blooms over the canal between them.
            var (ci, cj) = frame.PixelOf(0, 1, k);
            Artefacts.Metal(signal, columns, rows, ci, cj, (14 + (5 * random.NextDouble())) / scan.PixelSpacing, 2 / scan.PixelSpacing);
        }

        if (acquisition.Has("wrap-around"))
        {
            var band = rows / 6;
            var beyond = new float[band * columns];
            for (var m = 0; m < band; m++)
            {
                for (var i = 0; i < columns; i++)
                {
                    var (u, v) = frame.ModelOf(i, m - band, k);
                    beyond[(m * columns) + i] = SliceModel.At(anatomy, u, v, 0, signals).Signal * (float)(1 + bias[0]);
                }
            }

            Artefacts.Wrap(signal, columns, rows, beyond, band);
        }

        if (acquisition.Has("motion-ghosting"))
        {
            Artefacts.Ghost(signal, columns, rows, random);
        }

        if (acquisition.Has("gibbs-ringing"))
        {
            Artefacts.Ring(signal, columns, rows, 0.55 + (0.2 * random.NextDouble()));
        }
    }

    /// <summary>The artefacts' generator of one slice, the same in every process (see <see cref="NoiseRandom"/>).</summary>
    private static Random ArtefactRandom(int seed, int position, int slice) =>
        new(unchecked((int)(((uint)seed * 2246822519u) ^ ((uint)(position + 7) * 3266489917u) ^ ((uint)slice * 668265263u))));

    /// <summary>
    /// What a reader boxes as the foramen on the graded slice: the foraminal space as it shows, bounded by bone (the
    /// pixels of the canal-and-foramina label within the foramen's extent), whatever fills it; the healthy-extent box
    /// also covers what bone overlies on this slice.
    /// </summary>
    private static RegionTruth ForamenAsSeen(SlabFrame frame, ReadOnlySpan<byte> labels, int columns, int rows, Foramen foramen)
    {
        var bounds = foramen.Region.Bounds;
        var corners = new[] { (bounds.Item1, bounds.Item2), (bounds.Item3, bounds.Item2), (bounds.Item1, bounds.Item4), (bounds.Item3, bounds.Item4) }
            .Select(c => frame.PixelOf(c.Item1, c.Item2, frame.MidSlice)).ToList();
        var (x0, x1) = (Math.Max(0, (int)Math.Floor(corners.Min(c => c.I))), Math.Min(columns - 1, (int)Math.Ceiling(corners.Max(c => c.I))));
        var (y0, y1) = (Math.Max(0, (int)Math.Floor(corners.Min(c => c.J))), Math.Min(rows - 1, (int)Math.Ceiling(corners.Max(c => c.J))));
        var (minU, minV, maxU, maxV) = (double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
        for (var j = y0; j <= y1; j++)
        {
            for (var i = x0; i <= x1; i++)
            {
                var (u, v) = frame.ModelOf(i, j, frame.MidSlice);
                if (labels[(j * columns) + i] == Labels.CanalAndForamina && foramen.Region.Contains(u, v))
                {
                    (minU, minV, maxU, maxV) = (Math.Min(minU, u), Math.Min(minV, v), Math.Max(maxU, u), Math.Max(maxV, v));
                }
            }
        }

        return minU > maxU ? Box(frame, bounds) : Box(frame, (minU, minV, maxU, maxV));
    }

    /// <summary>What a reader boxes as the facet joint: the joint line and 3 mm of bone either side of it, along its length.</summary>
    private static (double MinU, double MinV, double MaxU, double MaxV) JointAsSeen(FacetJoint joint)
    {
        var across = (joint.Gap / 2) + 3;
        var (tu, tv) = (-joint.NormalV, joint.NormalU);
        var corners = new[] { (-1, -1), (-1, 1), (1, -1), (1, 1) }
            .Select(c => (U: joint.CentreU + (c.Item1 * joint.HalfLength * tu) + (c.Item2 * across * joint.NormalU), V: joint.CentreV + (c.Item1 * joint.HalfLength * tv) + (c.Item2 * across * joint.NormalV)))
            .ToList();
        return (corners.Min(c => c.U), corners.Min(c => c.V), corners.Max(c => c.U), corners.Max(c => c.V));
    }
}
