using Spine.Contracts.V1;
using Spine.Imaging;

namespace Spine.Phantom;

/// <summary>Figures of the phantom's grades: one panel per grade, without and with label contours.</summary>
public static class PhantomFigures
{
    public enum Finding
    {
        CentralCanal,
        Foraminal,
        Facet,
    }

    /// <summary>A PNG of four columns (grades 0 to 3) and two rows (the image; the image with label contours), at L4-L5.</summary>
    public static byte[] Grades(Finding finding, int seed)
    {
        const int scale = 3;
        var panels = new List<(byte[] Plain, byte[] Contoured, int Width, int Height)>();
        for (var grade = 0; grade <= 3; grade++)
        {
            var grades = finding switch
            {
                Finding.CentralCanal => new LevelGrades(grade, 0, 0, 0, 0),
                Finding.Foraminal => new LevelGrades(0, grade, 0, 0, 0),
                _ => new LevelGrades(0, 0, 0, grade, 0),
            };
            var study = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false, Grades = new Dictionary<SpinalLevel, LevelGrades> { [SpinalLevel.L4L5] = grades } });
            var (slab, truth) = Level(study, SpinalLevel.L4L5);
            var region = finding switch
            {
                Finding.Foraminal => truth.ForamenLeft,
                Finding.Facet => truth.FacetLeft,
                _ => null,
            };
            var (cx, cy, half) = region is null
                ? ((int)((truth.ForamenLeft.CentrePixel[0] + truth.ForamenRight.CentrePixel[0]) / 2), (int)truth.ForamenLeft.CentrePixel[1], 45)
                : ((int)region.CentrePixel[0], (int)region.CentrePixel[1], 22);
            var renderer = new SliceRenderer();
            var plain = renderer.Render(slab.Image, truth.MidSlice);
            var contoured = renderer.Render(slab.Image, truth.MidSlice, slab.Labels);
            if (region is not null)
            {
                SliceRenderer.DrawBox(contoured, slab.Image.SizeI, slab.Image.SizeJ, region.BoxPixels[0], region.BoxPixels[1], region.BoxPixels[2], region.BoxPixels[3], (255, 255, 255));
            }

            var size = 2 * half;
            panels.Add((Crop(plain, slab.Image.SizeI, slab.Image.SizeJ, cx - half, cy - half, size, scale), Crop(contoured, slab.Image.SizeI, slab.Image.SizeJ, cx - half, cy - half, size, scale), size * scale, size * scale));
        }

        var (w, h) = (panels[0].Width, panels[0].Height);
        const int gap = 4;
        var width = (4 * w) + (3 * gap);
        var height = (2 * h) + gap;
        var canvas = new byte[width * height * 3];
        for (var p = 0; p < 4; p++)
        {
            Paste(canvas, width, panels[p].Plain, w, h, p * (w + gap), 0);
            Paste(canvas, width, panels[p].Contoured, w, h, p * (w + gap), h + gap);
        }

        return Png.Encode(width, height, canvas);
    }

    /// <summary>The whole mid slice of one level, without and with label contours, side by side.</summary>
    public static byte[] Overview(int seed, SpinalLevel level = SpinalLevel.L4L5)
    {
        var study = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false });
        var (slab, truth) = Level(study, level);
        var mid = truth.MidSlice;
        var renderer = new SliceRenderer();
        var (w, h) = (slab.Image.SizeI, slab.Image.SizeJ);
        var canvas = new byte[((2 * w) + 4) * h * 3];
        Paste(canvas, (2 * w) + 4, renderer.Render(slab.Image, mid), w, h, 0, 0);
        Paste(canvas, (2 * w) + 4, renderer.Render(slab.Image, mid, slab.Labels), w, h, w + 4, 0);
        return Png.Encode((2 * w) + 4, h, canvas);
    }

    /// <summary>The anatomical variants of phantom 2.x, one panel each around the canal of the level that has it (see docs/phantom.md for their order).</summary>
    public static IReadOnlyList<string> VariantPanels { get; } =
    [
        "none", "trefoil-canal", "epidural-lipomatosis", "central-herniation", "paracentral-herniation-left",
        "foraminal-herniation-left", "synovial-cyst-left", "spondylolisthesis", "scoliosis", "lumbar-vertebrae-6",
    ];

    /// <summary>Two rows of five panels, the L4-L5 mid slice around the canal (the S1-S2 disc for six lumbar vertebrae), image only.</summary>
    public static byte[] Variants(int seed)
    {
        var panels = new List<byte[]>();
        const int half = 48;
        const int scale = 2;
        foreach (var variant in VariantPanels)
        {
            var levels = variant == "lumbar-vertebrae-6" ? [.. ProfileDraw.FiveLevels, SpinalLevel.S1S2] : ProfileDraw.FiveLevels;
            var shown = variant == "lumbar-vertebrae-6" ? SpinalLevel.S1S2 : SpinalLevel.L4L5;
            var variants = StudyVariants.None(levels) with
            {
                LumbarVertebrae = levels.Count,
                Scoliosis = variant == "scoliosis",
                Trefoil = variant == "trefoil-canal",
                EpiduralLipomatosis = variant == "epidural-lipomatosis",
                Levels = levels.ToDictionary(l => l, l => (IReadOnlyList<string>)(l == shown && (variant.Contains("herniation", StringComparison.Ordinal) || variant.StartsWith("synovial", StringComparison.Ordinal) || variant == "spondylolisthesis") ? [variant] : [])),
            };
            var study = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false, Variants = variants, Acquisition = Acquisition.Default });
            var (slab, truth) = Level(study, shown);
            var (cx, cy) = ((int)((truth.ForamenLeft.CentrePixel[0] + truth.ForamenRight.CentrePixel[0]) / 2), (int)truth.ForamenLeft.CentrePixel[1]);
            panels.Add(Crop(new SliceRenderer().Render(slab.Image, truth.MidSlice), slab.Image.SizeI, slab.Image.SizeJ, cx - half, cy - half, 2 * half, scale));
        }

        return Grid(panels, 2 * half * scale, 5);
    }

    /// <summary>The acquisitions and artefacts of phantom 2.x (see docs/phantom.md for their order): the whole L4-L5 mid slice.</summary>
    public static IReadOnlyList<string> AcquisitionPanels { get; } =
    [
        "1.5 T, 320, 0.69 mm", "3 T", "512 at 0.5 mm", "256 at 0.9 mm", "motion-ghosting", "gibbs-ringing", "csf-flow-voids", "wrap-around", "metal", "noise 8 %, bias 30 %",
    ];

    public static byte[] Acquisitions(int seed)
    {
        const int size = 240;
        var panels = new List<byte[]>();
        foreach (var panel in AcquisitionPanels)
        {
            var acquisition = panel switch
            {
                "3 T" => Acquisition.Default with { FieldStrengthTesla = 3, Noise = 0.015 },
                "512 at 0.5 mm" => Acquisition.Default with { Rows = 512, Columns = 512, PixelSpacingMm = 0.5 },
                "256 at 0.9 mm" => Acquisition.Default with { Rows = 256, Columns = 256, PixelSpacingMm = 0.9 },
                "noise 8 %, bias 30 %" => Acquisition.Default with { Noise = 0.08, Bias = 0.3 },
                "metal" => Acquisition.Default with { Artefacts = ["metal"], MetalLevel = SpinalLevel.L4L5 },
                _ when panel.Contains('-', StringComparison.Ordinal) => Acquisition.Default with { Artefacts = [panel] },
                _ => Acquisition.Default,
            };
            var study = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false, Variants = StudyVariants.None(ProfileDraw.FiveLevels), Acquisition = acquisition });
            var (slab, truth) = Level(study, SpinalLevel.L4L5);
            panels.Add(Resize(new SliceRenderer().Render(slab.Image, truth.MidSlice), slab.Image.SizeI, slab.Image.SizeJ, size));
        }

        return Grid(panels, size, 5);
    }

    /// <summary>
    /// L4-L5's part of a contiguous (unangled) stack, caudal slice first: the disc, tilted against the slices, is cut
    /// obliquely over several of them, with vertebral body above and below it.
    /// </summary>
    public static byte[] ContiguousStack(int seed)
    {
        const int size = 200;
        var study = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false, Variants = StudyVariants.None(ProfileDraw.FiveLevels), Acquisition = Acquisition.Default, ContiguousStack = true });
        var (slab, _) = Level(study, SpinalLevel.L4L5);
        var renderer = new SliceRenderer();
        return Grid([.. Enumerable.Range(0, slab.Image.SizeK).Select(k => Resize(renderer.Render(slab.Image, k), slab.Image.SizeI, slab.Image.SizeJ, size))], size, 5);
    }

    private static (PhantomSlab Slab, LevelTruth Truth) Level(PhantomStudy study, SpinalLevel level)
    {
        var index = study.Truth.Levels.Select((l, i) => (l, i)).Single(p => p.l.Level == level).i;
        return (study.Slabs[index], study.Truth.Levels[index]);
    }

    private static byte[] Grid(IReadOnlyList<byte[]> panels, int size, int columns)
    {
        const int gap = 4;
        var rows = (panels.Count + columns - 1) / columns;
        var (width, height) = ((columns * size) + ((columns - 1) * gap), (rows * size) + ((rows - 1) * gap));
        var canvas = new byte[width * height * 3];
        for (var p = 0; p < panels.Count; p++)
        {
            Paste(canvas, width, panels[p], size, size, (p % columns) * (size + gap), (p / columns) * (size + gap));
        }

        return Png.Encode(width, height, canvas);
    }

    /// <summary>A square <paramref name="size"/> x <paramref name="size"/> copy of an RGB image (nearest pixel).</summary>
    private static byte[] Resize(byte[] rgb, int width, int height, int size)
    {
        var output = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (sx, sy) = (x * width / size, y * height / size);
                Array.Copy(rgb, 3 * ((sy * width) + sx), output, 3 * ((y * size) + x), 3);
            }
        }

        return output;
    }

    private static byte[] Crop(byte[] rgb, int width, int height, int x0, int y0, int size, int scale)
    {
        var output = new byte[size * scale * size * scale * 3];
        for (var y = 0; y < size * scale; y++)
        {
            for (var x = 0; x < size * scale; x++)
            {
                var (sx, sy) = (Math.Clamp(x0 + (x / scale), 0, width - 1), Math.Clamp(y0 + (y / scale), 0, height - 1));
                Array.Copy(rgb, 3 * ((sy * width) + sx), output, 3 * ((y * size * scale) + x), 3);
            }
        }

        return output;
    }

    private static void Paste(byte[] canvas, int canvasWidth, byte[] panel, int w, int h, int x0, int y0)
    {
        for (var y = 0; y < h; y++)
        {
            Array.Copy(panel, 3 * y * w, canvas, 3 * (((y0 + y) * canvasWidth) + x0), 3 * w);
        }
    }
}
