namespace Spine.Phantom;

/// <summary>
/// Acquisition artefacts of phantom 2.x, applied to a rendered slice before its noise. Phase encoding runs along the
/// rows (anterior to posterior), as lumbar axials are usually acquired, so ghosts, ringing and wrap lie along it.
/// Label maps are untouched: they hold the anatomy, not what the scanner made of it.
/// </summary>
internal static class Artefacts
{
    /// <summary>Motion ghosting: faint copies of the slice shifted along phase encoding by a fraction of the field of view.</summary>
    public static void Ghost(Span<float> signal, int columns, int rows, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var shift = rows / (3 + random.Next(4));
        var amplitude = (float)(0.06 + (0.08 * random.NextDouble()));
        var source = signal.ToArray();
        for (var j = 0; j < rows; j++)
        {
            var (above, below) = ((j + shift) % rows, (j - shift + rows) % rows);
            for (var i = 0; i < columns; i++)
            {
                signal[(j * columns) + i] += amplitude * 0.5f * (source[(above * columns) + i] + source[(below * columns) + i]);
            }
        }
    }

    /// <summary>
    /// Gibbs ringing: k-space truncated along phase encoding, as a convolution with a truncated sinc (cut-off
    /// <paramref name="cutoff"/> of the Nyquist frequency), which rings beside every sharp edge (the CSF's above all).
    /// </summary>
    public static void Ring(Span<float> signal, int columns, int rows, double cutoff)
    {
        const int HalfWidth = 12;
        var kernel = new float[(2 * HalfWidth) + 1];
        for (var n = -HalfWidth; n <= HalfWidth; n++)
        {
            kernel[n + HalfWidth] = (float)(n == 0 ? cutoff : Math.Sin(Math.PI * n * cutoff) / (Math.PI * n));
        }

        var sum = kernel.Sum();
        for (var n = 0; n < kernel.Length; n++)
        {
            kernel[n] /= sum;
        }

        var source = signal.ToArray();
        for (var j = 0; j < rows; j++)
        {
            for (var i = 0; i < columns; i++)
            {
                var value = 0f;
                for (var n = -HalfWidth; n <= HalfWidth; n++)
                {
                    var row = Math.Clamp(j + n, 0, rows - 1);
                    value += kernel[n + HalfWidth] * source[(row * columns) + i];
                }

                signal[(j * columns) + i] = Math.Max(0, value);
            }
        }
    }

    /// <summary>Metal susceptibility: a signal void around an implant with a bright rim where the signal piles up.</summary>
    public static void Metal(Span<float> signal, int columns, int rows, double centreI, double centreJ, double radiusPixels, double rimPixels)
    {
        for (var j = 0; j < rows; j++)
        {
            for (var i = 0; i < columns; i++)
            {
                var distance = Math.Sqrt(((i - centreI) * (i - centreI)) + ((j - centreJ) * (j - centreJ)));
                var p = (j * columns) + i;
                if (distance < radiusPixels)
                {
                    signal[p] *= 0.04f;
                }
                else if (distance < radiusPixels + rimPixels)
                {
                    signal[p] *= 1.8f;
                }
            }
        }
    }

    /// <summary>Wrap-around: what lies beyond the anterior edge of the field of view folds in at the posterior edge.</summary>
    public static void Wrap(Span<float> signal, int columns, int rows, ReadOnlySpan<float> beyondAnterior, int bandRows)
    {
        for (var m = 0; m < bandRows; m++)
        {
            var target = rows - bandRows + m;
            for (var i = 0; i < columns; i++)
            {
                signal[(target * columns) + i] += beyondAnterior[(m * columns) + i];
            }
        }
    }
}
