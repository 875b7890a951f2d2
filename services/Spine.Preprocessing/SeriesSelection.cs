using System.Globalization;
using System.Text.RegularExpressions;
using Spine.Dicom;

namespace Spine.Preprocessing;

/// <summary>What series selection decided about one series, and why, in words an operator can check against the scanner's protocol.</summary>
public sealed record SeriesVerdict(string SeriesInstanceUid, int? SeriesNumber, string Description, bool Usable, string Reason);

/// <summary>The chosen axial T2 series (null when none is usable) and the verdict on every series of the study.</summary>
public sealed record SeriesChoice(SeriesGroup? Chosen, IReadOnlyList<SeriesVerdict> Verdicts)
{
    /// <summary>One line for the ledger and the VolumePrepared message, or the StudyFailed reason.</summary>
    public string Summary => Chosen is null
        ? "no usable axial T2-weighted series: " + string.Join("; ", Verdicts.Select(v => $"{Name(v)}: {v.Reason}"))
        : $"{Name(Verdicts.Single(v => v.SeriesInstanceUid == Chosen.SeriesInstanceUid))} chosen: {Verdicts.Single(v => v.SeriesInstanceUid == Chosen.SeriesInstanceUid).Reason}"
          + (Verdicts.Count > 1 ? "; others: " + string.Join("; ", Verdicts.Where(v => v.SeriesInstanceUid != Chosen.SeriesInstanceUid).Select(v => $"{Name(v)}: {v.Reason}")) : string.Empty);

    private static string Name(SeriesVerdict v) =>
        (v.SeriesNumber is { } n ? string.Create(CultureInfo.InvariantCulture, $"series {n}") : "series") + (v.Description.Length > 0 ? $" '{v.Description}'" : string.Empty);
}

/// <summary>
/// Chooses the axial T2-weighted series of a lumbar study. Orientation comes from Image Orientation (Patient) (axial:
/// the plane's normal within 37 degrees of the feet-head axis, so angled disc slabs count); weighting from the
/// timing when recorded (T2: TR at least 1,500 ms and TE at least 60 ms; T1: TR under 1,000 ms and TE under 30 ms;
/// proton density: long TR, TE under 60 ms), otherwise from the series description ("T2" and not "T1", "PD",
/// "FLAIR" or "STIR"). Of several usable series, the one with the most images, then the lowest series number.
/// </summary>
public static partial class SeriesSelection
{
    public const double T2MinimumTrMs = 1500;
    public const double T2MinimumTeMs = 60;

    public static SeriesChoice Choose(IReadOnlyList<SeriesGroup> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var verdicts = series.Select(Judge).ToList();
        var chosen = series.Zip(verdicts)
            .Where(pair => pair.Second.Usable)
            .OrderByDescending(pair => pair.First.Instances.Count)
            .ThenBy(pair => pair.Second.SeriesNumber ?? int.MaxValue)
            .Select(pair => pair.First)
            .FirstOrDefault();
        return new SeriesChoice(chosen, verdicts);
    }

    private static SeriesVerdict Judge(SeriesGroup series)
    {
        var first = series.First;
        var description = first.GetString(DicomTags.SeriesDescription)?.Trim() ?? string.Empty;
        var number = first.GetInt32(DicomTags.SeriesNumber);
        SeriesVerdict Verdict(bool usable, string reason) => new(series.SeriesInstanceUid, number, description, usable, reason);

        var orientation = series.Orientation;
        if (orientation is null)
        {
            return Verdict(false, "no image plane (Image Orientation/Position (Patient) missing)");
        }

        if (orientation != PlaneOrientation.Axial)
        {
            return Verdict(false, orientation.Value.ToString().ToLowerInvariant());
        }

        var (weighting, evidence) = Weighting(first, description);
        var images = string.Create(CultureInfo.InvariantCulture, $"{series.Instances.Count} image{(series.Instances.Count == 1 ? string.Empty : "s")}");
        return weighting == "T2"
            ? Verdict(true, $"axial, T2-weighted ({evidence}), {images}")
            : Verdict(false, $"axial, {weighting} ({evidence})");
    }

    private static (string Weighting, string Evidence) Weighting(DicomDataset first, string description)
    {
        var tr = first.GetDouble(DicomTags.RepetitionTime);
        var te = first.GetDouble(DicomTags.EchoTime);
        if (tr is { } repetition && te is { } echo)
        {
            var timing = string.Create(CultureInfo.InvariantCulture, $"TR {repetition:0.#} ms, TE {echo:0.#} ms");
            return repetition >= T2MinimumTrMs && echo >= T2MinimumTeMs ? ("T2", timing)
                : repetition < 1000 && echo < 30 ? ("T1-weighted", timing)
                : repetition >= T2MinimumTrMs && echo < T2MinimumTeMs ? ("proton-density-weighted", timing)
                : ("weighting not T2", timing);
        }

        return T2Word().IsMatch(description) && !OtherContrast().IsMatch(description)
            ? ("T2", $"series description '{description}'; TR/TE not recorded")
            : ("weighting unknown", description.Length == 0 ? "no TR/TE and no series description" : $"no TR/TE; description '{description}' does not say T2");
    }

    [GeneratedRegex(@"(^|[^A-Za-z0-9])T2([^A-Za-z0-9*]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex T2Word();

    [GeneratedRegex(@"(^|[^A-Za-z0-9])(T1|PD|FLAIR|STIR|T2\*)([^A-Za-z0-9]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OtherContrast();
}
