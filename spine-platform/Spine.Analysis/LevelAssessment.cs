using System.Globalization;
using Spine.Analysis.Anatomy;

namespace Spine.Analysis;

/// <summary>
/// Whether a segmented level can be graded: the segmenter sure of what it found, and anatomy a lumbar level has, sized
/// as adults' is (CLINICAL.md). A level that fails is reported not assessable with the reason, never graded: a metal
/// artefact, a slab that misses the disc, a series of another body part that slipped past series selection.
/// Classification and <c>spine evaluate</c> apply the same rules.
/// </summary>
public static class LevelAssessment
{
    /// <summary>Below this mean probability of its chosen labels over sac and disc, the segmenter's answer is not graded.</summary>
    public const double MinimumConfidence = 0.7;

    /// <summary>Why the level cannot be graded, or null when it can.</summary>
    public static string? Problem(LevelMeasurements measurements, double? confidence)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
        if (confidence is { } sure && sure < MinimumConfidence)
        {
            return Say($"the segmenter is unsure of the dural sac and disc (mean probability {sure:0.00}, below {MinimumConfidence:0.00})");
        }

        if (measurements.DiscAreaMm2 < 300)
        {
            return Say($"no disc on the graded slice ({measurements.DiscAreaMm2:0} mm2; an adult lumbar disc has about 800 to 2,500 mm2)");
        }

        if (measurements.DiscAreaMm2 > 4000)
        {
            return Say($"the disc region is implausibly large ({measurements.DiscAreaMm2:0} mm2; an adult lumbar disc has about 800 to 2,500 mm2)");
        }

        if (measurements.DuralSacAreaMm2 < 15)
        {
            return Say($"the dural sac found is implausibly small ({measurements.DuralSacAreaMm2:0} mm2)");
        }

        if (measurements.DuralSacAreaMm2 > 400 || measurements.DuralSacToDiscAreaRatio > 0.5)
        {
            return Say($"the dural sac found is implausibly large ({measurements.DuralSacAreaMm2:0} mm2, {measurements.DuralSacToDiscAreaRatio:0.00} of the disc's area)");
        }

        return null;
    }
}
