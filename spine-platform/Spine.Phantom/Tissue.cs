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
}

internal static class TissueSignals
{
    // Signals on a 12-bit scale for fast spin echo: T2 (TR about 4 s, TE about 100 ms) and T1 (TR 600 ms, TE 12 ms).
    private static readonly (float T2, float T1)[] Base =
    [
        (15, 15), (950, 900), (1900, 2600), (700, 850), (2100, 2700), (120, 200), (450, 700), (2300, 900), (1150, 1900),
        (150, 150), (3100, 350), (650, 750), (2000, 2500), (380, 700), (2200, 500), (2800, 450), (700, 800), (550, 700),
    ];

    public static int Count => Base.Length;

    /// <summary>Signals of one study: each tissue varied by up to <paramref name="variation"/>, the same for the whole study.</summary>
    public static float[] ForStudy(Random random, double variation, bool t1)
    {
        var signals = new float[Base.Length];
        for (var t = 0; t < Base.Length; t++)
        {
            signals[t] = (t1 ? Base[t].T1 : Base[t].T2) * (float)(1 + (variation * ((2 * random.NextDouble()) - 1)));
        }

        return signals;
    }
}
