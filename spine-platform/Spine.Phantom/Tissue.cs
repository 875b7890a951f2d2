namespace Spine.Phantom;

/// <summary>The tissues the phantom draws, each with a T2 and a T1 signal.</summary>
internal enum Tissue : byte
{
    Air,
    SoftTissue,
    RetroperitonealFat,
    Muscle,
    SubcutaneousFat,
    Vessel,
    Annulus,
    Nucleus,
    Marrow,
    Cortex,
    Csf,
    Rootlet,
    EpiduralFat,
    Flavum,
    JointFluid,
    Effusion,
    NerveRoot,
    Fibrous,

    /// <summary>Articular cartilage of the facet joints (phantom 2.x).</summary>
    Cartilage,
}

internal static class TissueSignals
{
    // Signals on a 12-bit scale for fast spin echo: T2 (TR about 4 s, TE about 100 ms) and T1 (TR 600 ms, TE 12 ms).
    private static readonly (float T2, float T1)[] Base =
    [
        (15, 15), (950, 900), (1900, 2600), (700, 850), (2100, 2700), (120, 200), (450, 700), (2300, 900), (1150, 1900),
        (150, 150), (3100, 350), (650, 750), (2000, 2500), (380, 700), (2200, 500), (2800, 450), (700, 800), (550, 700),
    ];

    // Tissues added by phantom 2.x, drawn after the 1.x ones so that a 1.x study's draws stay as they were.
    private static readonly (float T2, float T1)[] Added = [(900, 950)];

    // How much each tissue's T2 signal differs at 3 T from 1.5 T (shorter T2 of muscle and cartilage, brighter fat).
    private static readonly float[] At3Tesla = [1, 1, 1.08f, 0.9f, 1.08f, 1, 0.9f, 0.95f, 1.05f, 1, 1, 0.95f, 1.08f, 1, 1, 1, 0.95f, 0.95f, 0.9f];

    public static int Count => Base.Length + Added.Length;

    /// <summary>
    /// Signals of one study: each tissue varied by up to <paramref name="variation"/>, the same for the whole study.
    /// A 1.x study draws the 1.x tissues only (the added ones keep their base signal, and 1.x never draws them).
    /// </summary>
    public static float[] ForStudy(Random random, double variation, bool t1, bool phantom2 = false, double fieldStrengthTesla = 1.5)
    {
        ArgumentNullException.ThrowIfNull(random);
        var signals = new float[Count];
        for (var t = 0; t < Count; t++)
        {
            var (t2Signal, t1Signal) = t < Base.Length ? Base[t] : Added[t - Base.Length];
            var drawn = t < Base.Length || phantom2;
            signals[t] = (t1 ? t1Signal : t2Signal) * (drawn ? (float)(1 + (variation * ((2 * random.NextDouble()) - 1))) : 1);
            if (!t1 && fieldStrengthTesla > 2)
            {
                signals[t] *= At3Tesla[t];
            }
        }

        return signals;
    }
}
