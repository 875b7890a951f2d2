using System.Globalization;
using System.Text.RegularExpressions;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Imaging;

namespace Spine.Preprocessing;

/// <summary>What series selection decided about one series, and why, in words an operator can check against the scanner's protocol.</summary>
public sealed record SeriesVerdict(string SeriesInstanceUid, int? SeriesNumber, string Description, bool Usable, string Reason);

/// <summary>The chosen axial T2 series (null when none is usable) and the verdict on every series of the study.</summary>
public sealed record SeriesChoice(SeriesGroup? Chosen, IReadOnlyList<SeriesVerdict> Verdicts)
{
    /// <summary>The verdicts as the messages and the report carry them.</summary>
    public IReadOnlyList<SeriesDecision> Decisions => [.. Verdicts.Select(v => new SeriesDecision
    {
        SeriesInstanceUid = v.SeriesInstanceUid, SeriesNumber = v.SeriesNumber, Description = v.Description,
        Used = v.SeriesInstanceUid == Chosen?.SeriesInstanceUid, Reason = v.Reason,
    })];

    /// <summary>One line for the ledger and the VolumePrepared message, or the StudyFailed reason.</summary>
    public string Summary => Chosen is null
        ? "no usable axial T2-weighted series: " + string.Join("; ", Verdicts.Select(v => $"{Name(v)}: {v.Reason}"))
        : $"{Name(Verdicts.Single(v => v.SeriesInstanceUid == Chosen.SeriesInstanceUid))} chosen: {Verdicts.Single(v => v.SeriesInstanceUid == Chosen.SeriesInstanceUid).Reason}"
          + (Verdicts.Count > 1 ? "; others: " + string.Join("; ", Verdicts.Where(v => v.SeriesInstanceUid != Chosen.SeriesInstanceUid).Select(v => $"{Name(v)}: {v.Reason}")) : string.Empty);

    private static string Name(SeriesVerdict v) =>
        (v.SeriesNumber is { } n ? string.Create(CultureInfo.InvariantCulture, $"series {n}") : "series") + (v.Description.Length > 0 ? $" '{v.Description}'" : string.Empty);
}

/// <summary>
/// Chooses the axial T2-weighted series of a lumbar study. A series is turned away, with the reason, when it is not
/// MR, names a body part other than the spine (Body Part Examined, when recorded), has fewer images than an axial
/// lumbar series (3), or a field of view or pixel that no lumbar axial has (120 to 500 mm; 0.2 to 2 mm). Orientation
/// comes from Image Orientation (Patient) (axial: the plane's normal within 37 degrees of the feet-head axis, so
/// angled disc slabs count); weighting from the timing when recorded (T2: TR at least 1,500 ms and TE at least 60 ms;
/// T1: TR under 1,000 ms and TE under 30 ms; proton density: long TR, TE under 60 ms), otherwise from the series
/// description ("T2" and not "T1", "PD", "FLAIR" or "STIR"). Of several usable series, the one with the most images,
/// then the lowest series number. What the images show is judged later, on the segmentation (each level's anatomy).
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

        if (NotLumbarAxialByItsAttributes(series) is { } refusal)
        {
            return Verdict(false, refusal);
        }

        var orientation = series.Orientation;
        if (orientation is null)
        {
            return Verdict(false, "no image plane (Image Orientation/Position (Patient) missing)");
        }

        if (orientation != PlaneOrientation.Axial)
        {
            return Verdict(false, orientation.Value.ToString().ToLowerInvariant());
        }

        var (layoutRefusal, layout) = Layout(series);
        if (layoutRefusal is not null)
        {
            return Verdict(false, layoutRefusal);
        }

        var (weighting, evidence) = Weighting(first, description);
        var images = string.Create(CultureInfo.InvariantCulture, $"{series.Instances.Count} image{(series.Instances.Count == 1 ? string.Empty : "s")}");
        return weighting == "T2"
            ? Verdict(true, $"axial, T2-weighted ({evidence}), {images}{layout}")
            : Verdict(false, $"axial, {weighting} ({evidence})");
    }

    public const int MinimumImages = 3;

    /// <summary>The longest run of parallel slices a disc-angled block spans; a longer one is a contiguous stack.</summary>
    public const double MaximumBlockExtentMm = 60;

    /// <summary>True when a stack of parallel slices reaches further than a disc-angled block: one contiguous stack through several levels.</summary>
    public static bool IsContiguousStack(IReadOnlyList<DicomFile> stack) => ExtentMm(stack) > MaximumBlockExtentMm;

    private static double ExtentMm(IReadOnlyList<DicomFile> stack) =>
        stack.Count < 2 ? 0 : (ImagePlane.From(stack[^1].Dataset)!.Position - ImagePlane.From(stack[0].Dataset)!.Position).Length;

    /// <summary>
    /// How the series lays out its slices: disc-angled blocks (the levels are the blocks), or one contiguous stack
    /// through several levels, whose levels segmentation finds along it from the discs. A contiguous stack beside other
    /// blocks in one series is refused: the two cannot be named as one sequence of levels.
    /// </summary>
    private static (string? Refusal, string Layout) Layout(SeriesGroup series)
    {
        IReadOnlyList<IReadOnlyList<DicomFile>> stacks;
        try
        {
            stacks = DicomVolumes.SplitIntoStacks(series.Instances);
        }
        catch (DicomFormatException ex)
        {
            return (ex.Message, string.Empty);
        }

        var contiguous = stacks.Where(IsContiguousStack).ToList();
        if (contiguous.Count == 0)
        {
            return (null, string.Empty);
        }

        var described = string.Create(CultureInfo.InvariantCulture, $"a contiguous axial stack ({contiguous[0].Count} parallel slices over {ExtentMm(contiguous[0]):0} mm)");
        return stacks.Count == 1
            ? (null, $" in {described}, its levels found from the segmented discs")
            : (string.Create(CultureInfo.InvariantCulture, $"{described} beside {stacks.Count - 1} other block{(stacks.Count == 2 ? string.Empty : "s")} in one series: the levels cannot be named as one sequence"), string.Empty);
    }

    // Body parts a lumbar study's series may name (DICOM PS3.16 CID 4031 defined terms and what scanners write).
    private static readonly string[] SpineBodyParts = ["LSPINE", "SPINE", "TLSPINE", "LSSPINE", "SSPINE", "LUMBAR", "L-SPINE", "LUMBARSPINE", "BACK"];

    /// <summary>Why the series' attributes rule out an axial lumbar series, or null when they do not.</summary>
    private static string? NotLumbarAxialByItsAttributes(SeriesGroup series)
    {
        var first = series.First;
        var modality = first.GetString(DicomTags.Modality)?.Trim();
        if (modality is { Length: > 0 } && modality != "MR")
        {
            return $"modality {modality}, not MR";
        }

        var bodyPart = first.GetString(DicomTags.BodyPartExamined)?.Trim().ToUpperInvariant().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (bodyPart is { Length: > 0 } && !SpineBodyParts.Contains(bodyPart, StringComparer.Ordinal))
        {
            return $"body part examined '{bodyPart}', not the lumbar spine";
        }

        if (series.Instances.Count < MinimumImages)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{series.Instances.Count} image{(series.Instances.Count == 1 ? string.Empty : "s")}: too few for an axial lumbar series (at least {MinimumImages})");
        }

        var spacing = first.GetNumbers(DicomTags.PixelSpacing);
        var (rows, columns) = (first.GetInt32(DicomTags.Rows) ?? 0, first.GetInt32(DicomTags.Columns) ?? 0);
        if (spacing is { Count: >= 2 } && rows > 0 && columns > 0)
        {
            var field = Math.Max(rows * spacing[0], columns * spacing[1]);
            if (spacing.Min() < 0.2 || spacing.Max() > 2)
            {
                return string.Create(CultureInfo.InvariantCulture, $"pixel {spacing[0]:0.###} x {spacing[1]:0.###} mm: outside the 0.2 to 2 mm of a lumbar axial");
            }

            if (field is < 120 or > 500)
            {
                return string.Create(CultureInfo.InvariantCulture, $"field of view {field:0} mm: outside the 120 to 500 mm of a lumbar axial");
            }
        }

        return null;
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
