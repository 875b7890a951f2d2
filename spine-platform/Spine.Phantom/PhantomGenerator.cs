using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Phantom;

/// <summary>One series of a generated study.</summary>
public sealed record PhantomSeries(string SeriesInstanceUid, string Description, string Folder, IReadOnlyList<DicomDataset> Images);

/// <summary>One slab of the axial T2 series: its level, image volume and label map.</summary>
public sealed record PhantomSlab(SpinalLevel Level, Volume<float> Image, Volume<byte> Labels);

public sealed record PhantomStudy(GroundTruth Truth, IReadOnlyList<PhantomSeries> Series, IReadOnlyList<PhantomSlab> Slabs);

/// <summary>
/// Generates an axial T2-weighted lumbar study: one slab of 3 to 5 slices angled to each disc from L1-L2 to L5-S1,
/// with disease set per level and side, T2 contrast, a coil bias field, Rician noise and partial volume, plus a
/// sagittal T2 and an axial T1 series as distractors. Deterministic for a seed. Version 2.x (the default) draws the
/// disease from latent severities read by simulated readers, with body size, variants and varied acquisitions
/// (PhantomGenerator.V2.cs); 1.1 generates what it always did.
/// </summary>
public static partial class PhantomGenerator
{
    /// <summary>The generator that wrote a 1.x study.</summary>
    public const string Version = "spine-phantom 1.1";

    private const int Supersampling = 4;

    // Disc centres by vertebral position (L1-L2 ... L5-S1, then S1-S2 for 2.x): cranio-caudal spacing and lordotic
    // tilt of each disc plane (degrees about the left-right axis).
    private static readonly double[] TiltByLevel = [-6, -2, 4, 10, 18, 26];
    private static readonly double[] AnteriorShiftByLevel = [-4, 0, 3, 4, 2, -2];

    public static PhantomStudy Generate(PhantomOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Version switch
        {
            PhantomOptions.Version1 => GenerateVersion1(options),
            PhantomOptions.Version2 => GenerateVersion2(options),
            _ => throw new ArgumentException($"Phantom version '{options.Version}' is not one this generator has ({PhantomOptions.Version1}, {PhantomOptions.Version2}).", nameof(options)),
        };
    }

    private static (StudyIdentity Study, string FrameOfReference) Identity(PhantomOptions options, Random random)
    {
        var uid = (string _) => DicomUid.FromGuid(NextGuid(random));
        var study = new StudyIdentity
        {
            PatientName = $"PHANTOM^LUMBAR{options.Seed}",
            PatientId = $"PHANTOM-{options.Seed}",
            PatientBirthDate = "",
            PatientSex = "O",
            StudyInstanceUid = uid("study"),
            StudyDateTime = new DateTime(2026, 1, 1, 8, 0, 0, DateTimeKind.Unspecified).AddMinutes(options.Seed % 100_000),
            StudyDescription = "MRI LUMBAR SPINE (SYNTHETIC PHANTOM)",
            AccessionNumber = $"PH{options.Seed % 1_000_000:D6}",
        };
        return (study, uid("frame"));
    }

    private static PhantomStudy GenerateVersion1(PhantomOptions options)
    {
        var random = new Random(options.Seed);
        var uid = (string _) => DicomUid.FromGuid(NextGuid(random));
        var (study, frameOfReference) = Identity(options, random);
        var t2Signals = TissueSignals.ForStudy(random, options.ContrastVariation, t1: false);
        var t1Signals = TissueSignals.ForStudy(random, options.ContrastVariation, t1: true);
        var bias = Enumerable.Range(0, 4).Select(_ => ((2 * random.NextDouble()) - 1) * options.Bias / 2).ToArray();
        var patientShift = new Vector3D(4 * ((2 * random.NextDouble()) - 1), 4 * ((2 * random.NextDouble()) - 1), 0);
        var top = 150 + (10 * random.NextDouble());

        var axialUid = uid("ax-t2");
        var axialImages = new List<DicomDataset>();
        var slabs = new List<PhantomSlab>();
        var levels = new List<LevelTruth>();
        var anatomies = new List<(LevelAnatomy Anatomy, Vector3D Centre)>();
        var frames = new List<SlabFrame>();
        foreach (var level in ProfileDraw.FiveLevels)
        {
            var grades = options.Grades.TryGetValue(level, out var given) ? given : DrawGrades(random, options.GradeMix);
            var anatomy = LevelAnatomy.Create(level, grades, random);
            var index = (int)level;
            var centre = patientShift + new Vector3D(0, 10 + AnteriorShiftByLevel[index] + (2 * ((2 * random.NextDouble()) - 1)), top - (index * (36 + (3 * random.NextDouble()))));
            var tilt = (TiltByLevel[index] + (3 * ((2 * random.NextDouble()) - 1))) * Math.PI / 180;
            var rotation = 4 * ((2 * random.NextDouble()) - 1) * Math.PI / 180;
            var slices = 3 + random.Next(3);
            var positionJitter = (2 * random.NextDouble()) - 1;
            var frame = new SlabFrame(centre, tilt, rotation, options, positionJitter, slices);
            anatomies.Add((anatomy, centre));
            frames.Add(frame);

            var image = new Volume<float>(options.Columns, options.Rows, slices, frame.Geometry);
            var labels = new Volume<byte>(options.Columns, options.Rows, slices, frame.Geometry);
            double exactSacArea = 0;
            for (var k = 0; k < slices; k++)
            {
                var geometricSacArea = Render(anatomy, frame, k, t2Signals, bias, options, image.Slice(k), labels.Slice(k));
                if (k == frame.MidSlice)
                {
                    exactSacArea = geometricSacArea;
                }

                AddNoise(image.Slice(k), options.Noise * t2Signals[(int)Tissue.Csf], NoiseRandom(options.Seed, index, k));
            }

            var first = axialImages.Count + 1;
            for (var k = 0; k < slices; k++)
            {
                axialImages.Add(Image(study, axialUid, 3, "AX T2 FSE", frameOfReference, frame.Geometry.PlaneOf(k), axialImages.Count + 1, image.Slice(k), options, tr: 4200, te: 102, random));
            }

            slabs.Add(new PhantomSlab(level, image, labels));
            var pixelArea = options.PixelSpacing * options.PixelSpacing;
            var midLabels = labels.Slice(frame.MidSlice);
            var sacArea = midLabels.Count(Labels.ThecalSac) * pixelArea;
            var discArea = midLabels.Count(Labels.Disc) * pixelArea;
            levels.Add(Truth(anatomy, frame, first, slices, sacArea, exactSacArea, discArea, $"labels/{LevelName(level)}.nii.gz"));
        }

        var series = new List<PhantomSeries> { new(axialUid, "AX T2 FSE", "ax_t2", axialImages) };
        if (options.Distractors)
        {
            series.Insert(0, Sagittal(study, uid("sag-t2"), frameOfReference, anatomies, t2Signals, options, random));
            series.Add(AxialT1(study, uid("ax-t1"), frameOfReference, anatomies[3].Anatomy, frames[3], t1Signals, bias, options, random));
        }

        var truth = new GroundTruth
        {
            Seed = options.Seed,
            Generator = Version,
            StudyInstanceUid = study.StudyInstanceUid,
            AxialT2SeriesInstanceUid = axialUid,
            PixelSpacingMm = options.PixelSpacing,
            SliceThicknessMm = options.SliceThickness,
            Levels = levels,
        };
        return new PhantomStudy(truth, series, slabs);
    }

    public static string LevelName(SpinalLevel level) => level.Name();

    /// <summary>
    /// The noise generator of one slice, the same in every process: HashCode.Combine is seeded per process, so it made
    /// the same seed give different noise from one run to the next.
    /// </summary>
    private static Random NoiseRandom(int seed, int series, int slice) =>
        new(unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)series * 40503u) ^ ((uint)slice * 2246822519u))));

    private static LevelGrades DrawGrades(Random random, IReadOnlyList<double> mix)
    {
        int Draw()
        {
            var x = random.NextDouble() * mix.Sum();
            for (var g = 0; g < 4; g++)
            {
                if ((x -= mix[g]) < 0)
                {
                    return g;
                }
            }

            return 3;
        }

        return new LevelGrades(Draw(), Draw(), Draw(), Draw(), Draw());
    }

    /// <summary>The geometry of one slab: slices angled to the disc, and the map from pixels to the anatomy's frame.</summary>
    private sealed class SlabFrame
    {
        /// <param name="lateralTilt">Tilt of the slab about the anteroposterior axis (radians; 2.x scoliosis), after the lordotic <paramref name="tilt"/>.</param>
        public SlabFrame(Vector3D centre, double tilt, double rotation, PhantomOptions options, double positionJitter, int slices, double lateralTilt = 0)
        {
            var rows = lateralTilt == 0 ? new Vector3D(1, 0, 0) : new Vector3D(Math.Cos(lateralTilt), 0, -Math.Sin(lateralTilt));
            var columns = lateralTilt == 0
                ? new Vector3D(0, Math.Cos(tilt), Math.Sin(tilt))
                : new Vector3D(Math.Sin(lateralTilt) * Math.Sin(tilt), Math.Cos(tilt), Math.Cos(lateralTilt) * Math.Sin(tilt));
            Normal = rows.Cross(columns);
            AxisU = (rows * Math.Cos(rotation)) + (columns * Math.Sin(rotation));
            AxisV = (rows * -Math.Sin(rotation)) + (columns * Math.Cos(rotation));
            Centre = centre;
            MidSlice = slices / 2;
            Offsets = Enumerable.Range(0, slices).Select(k => ((k - MidSlice) * options.SliceSpacing) + positionJitter).ToArray();
            Thickness = options.SliceThickness;

            // The field of view is centred a little in front of the canal, so that the disc and the posterior elements both fit.
            var imageCentre = centre + (Normal * Offsets[0]) + (columns * -14);
            var origin = imageCentre - (rows * (options.PixelSpacing * (options.Columns - 1) / 2)) - (columns * (options.PixelSpacing * (options.Rows - 1) / 2));
            Geometry = new VolumeGeometry(origin, rows, columns, Normal, options.PixelSpacing, options.PixelSpacing, options.SliceSpacing);
        }

        private SlabFrame(Vector3D centre, double rotation, PhantomOptions options, VolumeGeometry geometry, double[] offsets, double discTilt)
        {
            Normal = geometry.AxisK;
            AxisU = (geometry.AxisI * Math.Cos(rotation)) + (geometry.AxisJ * Math.Sin(rotation));
            AxisV = (geometry.AxisI * -Math.Sin(rotation)) + (geometry.AxisJ * Math.Cos(rotation));
            Centre = centre;
            Offsets = offsets;
            MidSlice = Array.IndexOf(offsets, offsets.MinBy(Math.Abs));
            Thickness = options.SliceThickness;
            Geometry = geometry;
            DiscTilt = discTilt;
        }

        /// <summary>
        /// One level's part of a contiguous axial stack: unangled slices (normal along the feet-head axis) on the
        /// stack's common in-plane grid, from <paramref name="firstSliceZ"/> every slice spacing. The disc keeps its
        /// lordotic <paramref name="discTilt"/>, so a slice cuts it obliquely (see <see cref="DiscOffset"/>).
        /// </summary>
        public static SlabFrame InStack(Vector3D centre, double discTilt, double rotation, PhantomOptions options, Vector3D stackOrigin, double firstSliceZ, int slices)
        {
            var geometry = new VolumeGeometry(new Vector3D(stackOrigin.X, stackOrigin.Y, firstSliceZ), new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), new Vector3D(0, 0, 1),
                options.PixelSpacing, options.PixelSpacing, options.SliceSpacing);
            var offsets = Enumerable.Range(0, slices).Select(k => firstSliceZ + (k * options.SliceSpacing) - centre.Z).ToArray();
            return new SlabFrame(centre, rotation, options, geometry, offsets, discTilt);
        }

        /// <summary>The corner of a contiguous stack's in-plane grid whose field of view is centred as an angled slab's is.</summary>
        public static Vector3D StackOrigin(double centreX, double centreY, PhantomOptions options) =>
            new(centreX - (options.PixelSpacing * (options.Columns - 1) / 2), centreY - 14 - (options.PixelSpacing * (options.Rows - 1) / 2), 0);

        public VolumeGeometry Geometry { get; }
        public Vector3D Normal { get; }
        public Vector3D AxisU { get; }
        public Vector3D AxisV { get; }
        public Vector3D Centre { get; }
        public int MidSlice { get; }
        public double[] Offsets { get; }
        public double Thickness { get; }

        /// <summary>Tilt of the disc against the slices (radians; 0 for a slab angled to its disc).</summary>
        public double DiscTilt { get; }

        /// <summary>Distance from the disc's mid-plane of the point at <paramref name="v"/> (anteroposterior, mm) on slice k.</summary>
        public double DiscOffset(int k, double v) => DiscTilt == 0 ? Offsets[k] : (Offsets[k] - (v * Math.Tan(DiscTilt))) * Math.Cos(DiscTilt);

        /// <summary>Anatomy frame (u, v) of a continuous pixel position on slice k.</summary>
        public (double U, double V) ModelOf(double i, double j, int k)
        {
            var world = Geometry.WorldOf(i, j, k) - Centre;
            return (world.Dot(AxisU), world.Dot(AxisV));
        }

        public (double I, double J) PixelOf(double u, double v, int k)
        {
            var world = Centre + (AxisU * u) + (AxisV * v) + (Normal * Offsets[k]);
            var (i, j, _) = Geometry.IndexOf(world);
            return (i, j);
        }
    }

    /// <summary>Renders slice k of a slab into <paramref name="signal"/> and <paramref name="labels"/>; returns the dural sac's geometric area (mm2) from the sub-pixel coverage.</summary>
    private static double Render(LevelAnatomy anatomy, SlabFrame frame, int k, float[] signals, double[] bias, PhantomOptions options, Span<float> signal, Span<byte> labels)
    {
        var columns = options.Columns;
        var rows = options.Rows;
        var discFraction = SliceModel.DiscFraction(frame.Offsets[k], frame.Thickness, anatomy.DiscHalfHeight);
        var signalArray = new float[columns * rows];
        var labelArray = new byte[columns * rows];
        var sacCoverage = new double[rows];
        var spineTop = anatomy.DiscOuter.CentreV - anatomy.DiscOuter.SemiV - 6;
        var spineBottom = anatomy.Spinous.V2 + 6;
        Parallel.For(0, rows, j =>
        {
            Span<int> votes = stackalloc int[5];
            for (var i = 0; i < columns; i++)
            {
                var (cu, cv) = frame.ModelOf(i, j, k);
                var detailed = Math.Abs(cu) < 62 && cv > spineTop && cv < spineBottom;
                var n = detailed ? Supersampling : 1;
                votes.Clear();
                double sum = 0;
                for (var sj = 0; sj < n; sj++)
                {
                    for (var si = 0; si < n; si++)
                    {
                        var (u, v) = n == 1 ? (cu, cv) : frame.ModelOf(i + (((si + 0.5) / n) - 0.5), j + (((sj + 0.5) / n) - 0.5), k);
                        var fraction = frame.DiscTilt == 0 ? discFraction : SliceModel.DiscFraction(frame.DiscOffset(k, v), frame.Thickness, anatomy.DiscHalfHeight);
                        var sample = SliceModel.At(anatomy, u, v, fraction, signals);
                        sum += sample.Signal;
                        votes[sample.Label]++;
                    }
                }

                // A label covering at least half the pixel takes it, so that areas measured on the label map are unbiased;
                // where none does, the most frequent label does.
                var samples = n * n;

                // The dural sac is what the ground truth measures: on its boundary its coverage is resolved finely.
                var sac = votes[Labels.ThecalSac] is > 0 and var partial && partial < samples
                    ? FineSacCoverage(anatomy, frame, i, j, k)
                    : (double)votes[Labels.ThecalSac] / samples;
                sacCoverage[j] += sac;
                var label = 0;
                for (var l = 1; l < 5; l++)
                {
                    if (votes[l] > votes[label])
                    {
                        label = l;
                    }
                }

                if (sac >= 0.5)
                {
                    label = Labels.ThecalSac;
                }
                else if (label == Labels.ThecalSac)
                {
                    votes[Labels.ThecalSac] = 0;
                    label = 0;
                    for (var l = 1; l < 5; l++)
                    {
                        if (votes[l] > votes[label])
                        {
                            label = l;
                        }
                    }
                }

                var (bu, bv) = ((cu / 110), (cv / 110));
                var field = 1 + (bias[0] * bu) + (bias[1] * bv) + (bias[2] * bu * bv) + (bias[3] * ((bu * bu) - (bv * bv)));
                signalArray[(j * columns) + i] = (float)(sum / samples * field);
                labelArray[(j * columns) + i] = (byte)label;
            }
        });
        signalArray.CopyTo(signal);
        labelArray.CopyTo(labels);
        return sacCoverage.Sum() * options.PixelSpacing * options.PixelSpacing;
    }

    private static double FineSacCoverage(LevelAnatomy anatomy, SlabFrame frame, int i, int j, int k)
    {
        const int fine = 16;
        var inside = 0;
        for (var sj = 0; sj < fine; sj++)
        {
            for (var si = 0; si < fine; si++)
            {
                var (u, v) = frame.ModelOf(i + (((si + 0.5) / fine) - 0.5), j + (((sj + 0.5) / fine) - 0.5), k);
                if (anatomy.InSac(u, v))
                {
                    inside++;
                }
            }
        }

        return (double)inside / (fine * fine);
    }

    /// <summary>Rician noise: the magnitude of the signal plus complex Gaussian noise.</summary>
    private static void AddNoise(Span<float> signal, double sigma, Random random)
    {
        for (var p = 0; p < signal.Length; p++)
        {
            var real = signal[p] + (sigma * Gaussian(random));
            var imaginary = sigma * Gaussian(random);
            signal[p] = (float)Math.Sqrt((real * real) + (imaginary * imaginary));
        }
    }

    private static double Gaussian(Random random) => Phantom.Gaussian.Next(random);

    /// <summary>A box in the anatomy's frame as the pixels it covers on the slab's mid slice, with its centre.</summary>
    private static RegionTruth Box(SlabFrame frame, (double MinU, double MinV, double MaxU, double MaxV) bounds)
    {
        var corners = new[] { (bounds.MinU, bounds.MinV), (bounds.MaxU, bounds.MinV), (bounds.MinU, bounds.MaxV), (bounds.MaxU, bounds.MaxV) }
            .Select(c => frame.PixelOf(c.Item1, c.Item2, frame.MidSlice)).ToList();
        var (x0, y0) = ((int)Math.Floor(corners.Min(c => c.I)), (int)Math.Floor(corners.Min(c => c.J)));
        var (x1, y1) = ((int)Math.Ceiling(corners.Max(c => c.I)), (int)Math.Ceiling(corners.Max(c => c.J)));
        var (cu, cv) = ((bounds.MinU + bounds.MaxU) / 2, (bounds.MinV + bounds.MaxV) / 2);
        var (ci, cj) = frame.PixelOf(cu, cv, frame.MidSlice);
        var world = frame.Geometry.WorldOf(ci, cj, frame.MidSlice);
        return new RegionTruth([Math.Round(ci, 2), Math.Round(cj, 2)], [x0, y0, x1 - x0 + 1, y1 - y0 + 1], [Math.Round(world.X, 2), Math.Round(world.Y, 2), Math.Round(world.Z, 2)]);
    }

    private static LevelTruth Truth(LevelAnatomy a, SlabFrame frame, int firstInstance, int slices, double sacArea, double exactSacArea, double discArea, string labelMap)
    {
        RegionTruth Region((double MinU, double MinV, double MaxU, double MaxV) bounds) => Box(frame, bounds);

        var anteriorEdge = Math.Max(-a.Sac.SemiV, a.SacAnteriorLimit);
        return new LevelTruth
        {
            Level = a.Level,
            Grades = a.Grades,
            FirstInstanceNumber = firstInstance,
            SliceCount = slices,
            MidSlice = frame.MidSlice,
            LabelMap = labelMap,
            DuralSacAreaMm2 = Math.Round(sacArea, 2),
            DuralSacAreaExactMm2 = Math.Round(exactSacArea, 2),
            DiscAreaMm2 = Math.Round(discArea, 2),
            DuralSacApDiameterMm = Math.Round(a.Sac.SemiV - anteriorEdge, 2),
            DuralSacToDiscAreaRatio = Math.Round(sacArea / Math.Max(discArea, 1e-6), 4),
            ForamenLeft = Region(a.Foramina[0].Region.Bounds),
            ForamenRight = Region(a.Foramina[1].Region.Bounds),
            FacetLeft = Region(a.Facets[0].Bounds),
            FacetRight = Region(a.Facets[1].Bounds),
        };
    }

    private static DicomDataset Image(StudyIdentity study, string seriesUid, int seriesNumber, string description, string frameOfReference,
        ImagePlane plane, int instance, ReadOnlySpan<float> signal, PhantomOptions options, double tr, double te, Random random, double fieldStrength = 1.5)
    {
        var pixels = new ushort[signal.Length];
        for (var p = 0; p < signal.Length; p++)
        {
            pixels[p] = (ushort)Math.Clamp(Math.Round(signal[p]), 0, 4095);
        }

        return ImageBuilders.MrImage(new MrImageSpec
        {
            Study = study,
            SeriesInstanceUid = seriesUid,
            SeriesNumber = seriesNumber,
            SeriesDescription = description,
            FrameOfReferenceUid = frameOfReference,
            SopInstanceUid = DicomUid.FromGuid(NextGuid(random)),
            InstanceNumber = instance,
            ImagePositionPatient = [Round(plane.Position.X), Round(plane.Position.Y), Round(plane.Position.Z)],
            ImageOrientationPatient = [Round(plane.RowDirection.X), Round(plane.RowDirection.Y), Round(plane.RowDirection.Z), Round(plane.ColumnDirection.X), Round(plane.ColumnDirection.Y), Round(plane.ColumnDirection.Z)],
            PixelSpacing = [options.PixelSpacing, options.PixelSpacing],
            SliceThickness = options.SliceThickness,
            SpacingBetweenSlices = options.SliceSpacing,
            RepetitionTime = tr,
            EchoTime = te,
            EchoTrainLength = tr > 2000 ? 17 : 3,
            MagneticFieldStrength = fieldStrength,
            Rows = options.Rows,
            Columns = options.Columns,
            Pixels = pixels,
        });
    }

    // DS holds 16 characters; positions are rounded to a hundredth of a micrometre, far below any tolerance that matters.
    private static double Round(double value) => Math.Round(value, 5);

    private static Guid NextGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    /// <summary>A mid-sagittal T2 distractor: vertebral bodies, discs and the CSF column, enough for its tags and a plausible picture.</summary>
    private static PhantomSeries Sagittal(StudyIdentity study, string seriesUid, string frameOfReference, List<(LevelAnatomy Anatomy, Vector3D Centre)> levels, float[] s, PhantomOptions options, Random random)
    {
        var images = new List<DicomDataset>();
        var rows = new Vector3D(0, 1, 0);
        var columns = new Vector3D(0, 0, -1);
        var centre = new Vector3D(0, levels[2].Centre.Y - 10, levels[2].Centre.Z);
        for (var slice = 0; slice < 7; slice++)
        {
            var x = (slice - 3) * options.SliceSpacing;
            var origin = centre + new Vector3D(x, 0, 0) - (rows * (options.PixelSpacing * (options.Columns - 1) / 2)) - (columns * (options.PixelSpacing * (options.Rows - 1) / 2));
            var plane = new ImagePlane(origin, rows, columns, options.PixelSpacing, options.PixelSpacing, options.SliceThickness);
            var signal = new float[options.Rows * options.Columns];
            for (var j = 0; j < options.Rows; j++)
            {
                for (var i = 0; i < options.Columns; i++)
                {
                    var p = plane.WorldPosition(j, i);
                    signal[(j * options.Columns) + i] = SagittalSignal(levels, p, s);
                }
            }

            AddNoise(signal, options.Noise * s[(int)Tissue.Csf], NoiseRandom(options.Seed, 99, slice));
            images.Add(Image(study, seriesUid, 2, "SAG T2 FSE", frameOfReference, plane, slice + 1, signal, options, tr: 3800, te: 100, random));
        }

        return new PhantomSeries(seriesUid, "SAG T2 FSE", "sag_t2", images);
    }

    private static float SagittalSignal(List<(LevelAnatomy Anatomy, Vector3D Centre)> levels, Vector3D p, float[] s)
    {
        var nearest = levels.MinBy(l => Math.Abs(l.Centre.Z - p.Z));
        var a = nearest.Anatomy;
        var v = p.Y - nearest.Centre.Y; // posterior distance from the sac centre
        var dz = p.Z - nearest.Centre.Z;
        if (Math.Abs(p.X) > 40)
        {
            return s[(int)Tissue.Muscle];
        }

        if (v < a.DiscOuter.CentreV - a.DiscOuter.SemiV - 5)
        {
            return s[(int)Tissue.SoftTissue];
        }

        if (v < a.DiscOuter.CentreV + a.DiscOuter.SemiV)
        {
            return Math.Abs(dz) < a.DiscHalfHeight ? s[(int)Tissue.Nucleus] * (float)a.NucleusSignal + (s[(int)Tissue.Annulus] * (float)(1 - a.NucleusSignal))
                : Math.Abs(dz) < a.DiscHalfHeight + 1 ? s[(int)Tissue.Cortex] : s[(int)Tissue.Marrow];
        }

        if (Math.Abs(p.X) < a.Sac.SemiU && v < a.Sac.SemiV)
        {
            return s[(int)Tissue.Csf];
        }

        if (v < a.Spinous.V2 && Math.Abs(p.X) < 4)
        {
            return s[(int)Tissue.Marrow];
        }

        return v < a.SubcutaneousV ? s[(int)Tissue.Muscle] : v < a.SkinV ? s[(int)Tissue.SubcutaneousFat] : s[(int)Tissue.Air];
    }

    /// <summary>An axial T1 distractor over the L4-L5 slab: the same anatomy and geometry with T1 signals.</summary>
    private static PhantomSeries AxialT1(StudyIdentity study, string seriesUid, string frameOfReference, LevelAnatomy anatomy, SlabFrame frame, float[] t1, double[] bias, PhantomOptions options, Random random)
    {
        var images = new List<DicomDataset>();
        var signal = new float[options.Rows * options.Columns];
        var labels = new byte[signal.Length];
        for (var k = 0; k < frame.Offsets.Length; k++)
        {
            Render(anatomy, frame, k, t1, bias, options, signal, labels);
            AddNoise(signal, options.Noise * t1[(int)Tissue.SubcutaneousFat], NoiseRandom(options.Seed, 77, k));
            images.Add(Image(study, seriesUid, 4, "AX T1 FSE", frameOfReference, frame.Geometry.PlaneOf(k), k + 1, signal, options, tr: 620, te: 12, random));
        }

        return new PhantomSeries(seriesUid, "AX T1 FSE", "ax_t1", images);
    }

}
