using Spine.Imaging;

namespace Spine.Evaluation;

/// <summary>One bin of a reliability diagram: the findings whose predicted P(moderate or worse) fell in it.</summary>
public sealed record ReliabilityBin(double From, double To, int Count, double MeanPredicted, double ObservedFrequency);

/// <summary>
/// Calibration of P(moderate or worse) against the reference: a model is calibrated when, of the findings it gives
/// 0.7, 70 % are moderate or worse. Expected calibration error: the bins' gaps between mean prediction and observed
/// frequency, weighted by their share of the findings (ten equal-width bins).
/// </summary>
public static class Calibration
{
    public const int Bins = 10;

    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<GradedFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return [.. Enumerable.Range(0, Bins).Select(b =>
        {
            var (from, to) = ((double)b / Bins, (double)(b + 1) / Bins);
            var inBin = findings.Where(f => BinOf(f.ModerateOrWorse) == b).ToList();
            return new ReliabilityBin(from, to, inBin.Count,
                inBin.Count == 0 ? 0 : Math.Round(inBin.Average(f => f.ModerateOrWorse), 4),
                inBin.Count == 0 ? 0 : Math.Round(inBin.Average(f => f.Significant ? 1.0 : 0.0), 4));
        })];
    }

    public static double? ExpectedError(IReadOnlyList<GradedFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0)
        {
            return null;
        }

        var error = 0.0;
        foreach (var bin in findings.GroupBy(f => BinOf(f.ModerateOrWorse)))
        {
            var items = bin.ToList();
            error += (double)items.Count / findings.Count * Math.Abs(items.Average(f => f.ModerateOrWorse) - items.Average(f => f.Significant ? 1.0 : 0.0));
        }

        return error;
    }

    private static int BinOf(double p) => Math.Clamp((int)(p * Bins), 0, Bins - 1);

    /// <summary>
    /// A reliability plot as PNG (400 x 400): the diagonal of perfect calibration in grey, each bin's observed frequency
    /// against its mean prediction as a square whose size grows with its share of the findings, joined by a line.
    /// </summary>
    public static byte[] Plot(IReadOnlyList<ReliabilityBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        const int size = 400;
        const int margin = 30;
        var rgb = new byte[size * size * 3];
        Array.Fill(rgb, (byte)255);
        void Dot(int x, int y, (byte R, byte G, byte B) colour)
        {
            if ((uint)x < size && (uint)y < size)
            {
                var p = 3 * ((y * size) + x);
                (rgb[p], rgb[p + 1], rgb[p + 2]) = colour;
            }
        }

        (int X, int Y) At(double predicted, double observed) => (margin + (int)Math.Round(predicted * (size - (2 * margin))), size - margin - (int)Math.Round(observed * (size - (2 * margin))));
        void LineBetween((int X, int Y) a, (int X, int Y) b, (byte, byte, byte) colour)
        {
            var steps = Math.Max(Math.Abs(b.X - a.X), Math.Abs(b.Y - a.Y));
            for (var s = 0; s <= steps; s++)
            {
                var t = steps == 0 ? 0 : (double)s / steps;
                Dot((int)Math.Round(a.X + ((b.X - a.X) * t)), (int)Math.Round(a.Y + ((b.Y - a.Y) * t)), colour);
            }
        }

        // Axes and the diagonal.
        LineBetween(At(0, 0), At(1, 0), (0, 0, 0));
        LineBetween(At(0, 0), At(0, 1), (0, 0, 0));
        LineBetween(At(0, 0), At(1, 1), (170, 170, 170));
        for (var tick = 0; tick <= 10; tick++)
        {
            var (x, y) = At(tick / 10.0, 0);
            LineBetween((x, y), (x, y + 5), (0, 0, 0));
            var (x2, y2) = At(0, tick / 10.0);
            LineBetween((x2 - 5, y2), (x2, y2), (0, 0, 0));
        }

        var total = Math.Max(1, bins.Sum(b => b.Count));
        (int X, int Y)? previous = null;
        foreach (var bin in bins.Where(b => b.Count > 0))
        {
            var point = At(bin.MeanPredicted, bin.ObservedFrequency);
            if (previous is { } last)
            {
                LineBetween(last, point, (40, 90, 200));
            }

            var half = 2 + (int)Math.Round(10.0 * bin.Count / total);
            for (var dy = -half; dy <= half; dy++)
            {
                for (var dx = -half; dx <= half; dx++)
                {
                    Dot(point.X + dx, point.Y + dy, (40, 90, 200));
                }
            }

            previous = point;
        }

        return Png.Encode(size, size, rgb);
    }
}
