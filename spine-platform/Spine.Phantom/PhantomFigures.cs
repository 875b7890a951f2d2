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
            var truth = study.Truth.Levels[(int)SpinalLevel.L4L5];
            var slab = study.Slabs[(int)SpinalLevel.L4L5];
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
        var slab = study.Slabs[(int)level];
        var mid = study.Truth.Levels[(int)level].MidSlice;
        var renderer = new SliceRenderer();
        var (w, h) = (slab.Image.SizeI, slab.Image.SizeJ);
        var canvas = new byte[((2 * w) + 4) * h * 3];
        Paste(canvas, (2 * w) + 4, renderer.Render(slab.Image, mid), w, h, 0, 0);
        Paste(canvas, (2 * w) + 4, renderer.Render(slab.Image, mid, slab.Labels), w, h, w + 4, 0);
        return Png.Encode((2 * w) + 4, h, canvas);
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
