using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.StructuredReporting;
using static Spine.Reporting.ReportCodes;

namespace Spine.Reporting;

/// <summary>
/// The study report as a Comprehensive SR following TID 1500 (Measurement Report): the device that read it (TID 1002
/// observer context), and per disc level one measurement group (TID 1501) with the level's disc as finding site, the
/// source image the level was read on, the measurements (dural sac area, disc area, their ratio, the sac's AP diameter)
/// and the five graded findings, each with its laterality, grading system, probabilities and the algorithm that graded
/// it (TID 4019). Where the study's SEG exists, the sac and disc areas reference the SEG frame of the structure they
/// were measured on. The impression and the disclaimer close the document. UIDs derive from the StudyId, so the same
/// report makes the same document.
/// </summary>
public static class MeasurementReportSr
{
    public const int SeriesNumber = 9902;

    public static byte[] Build(StudyReport report, StudyIdentity identity, string softwareVersion, StudySegmentationObject? segmentation = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(identity);
        var levels = report.Levels.Select(level => Group(report, level, segmentation)).ToList();
        var root = new SrContainer(SrRelationship.Contains, ImagingMeasurementReport)
        {
            Children =
            [
                new SrCode(SrRelationship.HasConceptModifier, Language, EnglishUnitedStates),
                new SrCode(SrRelationship.HasObservationContext, ObserverType, Device),
                new SrUid(SrRelationship.HasObservationContext, DeviceObserverUid, DicomUid.FromGuid(DeviceGuid(softwareVersion))),
                new SrText(SrRelationship.HasObservationContext, DeviceObserverName, "Spine Platform"),
                new SrText(SrRelationship.HasObservationContext, DeviceObserverManufacturer, "Spine Platform"),
                new SrText(SrRelationship.HasObservationContext, DeviceObserverModelName, "lumbar spine MRI reader " + softwareVersion),
                new SrCode(SrRelationship.HasConceptModifier, ProcedureReported, MriUnspecifiedBodyRegion),
                new SrContainer(SrRelationship.Contains, ImageLibrary),
                new SrContainer(SrRelationship.Contains, ImagingMeasurements) { Children = levels },
                new SrText(SrRelationship.Contains, Impression, ReportText.Impression(report)),
                new SrText(SrRelationship.Contains, Comment, report.Disclaimer),
            ],
        };
        var sources = report.Levels.Select(l => l.ReadOn?.Instance).OfType<SourceInstance>().DistinctBy(i => i.SopInstanceUid)
            .Select(i => new SopReference(i.SopClassUid, i.SopInstanceUid)).ToList();
        var dataset = SrDocument.Build(new SrDocumentSpec
        {
            Study = identity,
            SeriesInstanceUid = ResultObjects.Uid(report.StudyId, "sr-series"),
            SeriesNumber = SeriesNumber,
            SeriesDescription = "Spine Platform measurement report (automated, not for diagnosis)",
            SopInstanceUid = ResultObjects.Uid(report.StudyId, "sr"),
            ContentDateTime = report.GeneratedAt.UtcDateTime,
            Manufacturer = "Spine Platform",
            ManufacturerModelName = "lumbar spine MRI reader",
            SoftwareVersions = softwareVersion,
            Root = root,
            TemplateIdentifier = "1500",
            Evidence = Evidence(report, sources, segmentation),
        });
        return DicomWriter.ToBytes(dataset);
    }

    private static IReadOnlyList<(string, IReadOnlyList<SopReference>)> Evidence(StudyReport report, List<SopReference> sources, StudySegmentationObject? segmentation)
    {
        var evidence = new List<(string, IReadOnlyList<SopReference>)>();
        if (sources.Count > 0)
        {
            evidence.Add((report.SeriesInstanceUid, sources));
        }

        if (segmentation is not null)
        {
            evidence.Add((ResultObjects.Uid(report.StudyId, "seg-series"), [new SopReference(Spine.Dicom.Segmentation.Segmentations.SegmentationStorage, segmentation.SopInstanceUid)]));
        }

        return evidence;
    }

    private static SrContainer Group(StudyReport report, LevelReport level, StudySegmentationObject? segmentation)
    {
        var children = new List<SrItem>
        {
            new SrText(SrRelationship.HasObservationContext, TrackingIdentifier, level.Level.Name()),
            new SrUid(SrRelationship.HasObservationContext, TrackingUniqueIdentifier, ResultObjects.Uid(report.StudyId, $"level-{level.Level.Name()}")),
        };
        if (Disc(level.Level) is { } disc)
        {
            children.Add(new SrCode(SrRelationship.HasConceptModifier, FindingSite, disc));
        }

        if (level.ReadOn is { } readOn)
        {
            children.Add(new SrImage(SrRelationship.Contains, Source, new SopReference(readOn.Instance.SopClassUid, readOn.Instance.SopInstanceUid)));
        }

        if (level.NotAssessableReason is { } reason)
        {
            children.Add(new SrText(SrRelationship.Contains, NotAssessable, reason));
            return new SrContainer(SrRelationship.Contains, MeasurementGroup) { Children = children };
        }

        // The SEG frame of the structure on the image the level was read on: where the area was measured.
        SopReference? Segment(int structure) => level.ReadOn is { } on ? segmentation?.Reference(on.Instance.SopInstanceUid, structure) : null;
        children.AddRange(level.Measurements.Select(m => Measurement(m, level.Level, Segment)).OfType<SrItem>());
        children.AddRange(level.Findings.Select(Evaluation));
        return new SrContainer(SrRelationship.Contains, MeasurementGroup) { Children = children };
    }

    /// <summary>A level measurement as a NUM: a standard quantity narrowed by its finding site where PS3.16 has both, else a private concept.</summary>
    private static SrNumber? Measurement(Measurement measurement, SpinalLevel level, Func<int, SopReference?> segment) => measurement.Name switch
    {
        "dural sac area" => new SrNumber(SrRelationship.Contains, Area, measurement.Value, SquareMillimeter)
        {
            Children = [new SrCode(SrRelationship.HasConceptModifier, FindingSite, DuraMater), .. SegmentOf(segment(StudySegmentation.DuralSacSegment))],
        },
        "disc area" when Disc(level) is { } disc => new SrNumber(SrRelationship.Contains, Area, measurement.Value, SquareMillimeter)
        {
            Children = [new SrCode(SrRelationship.HasConceptModifier, FindingSite, disc), .. SegmentOf(segment(StudySegmentation.DiscSegment))],
        },
        "dural sac / disc area ratio" => new SrNumber(SrRelationship.Contains, SacToDiscAreaRatio, measurement.Value, NoUnits),
        "dural sac AP diameter" => new SrNumber(SrRelationship.Contains, ApDiameter, measurement.Value, Millimeter),
        _ => null,
    };

    private static IEnumerable<SrItem> SegmentOf(SopReference? frame) =>
        frame is null ? [] : [new SrImage(SrRelationship.InferredFrom, ReferencedSegmentationFrame, frame)];

    /// <summary>A graded finding as a CODE (its grade), with laterality, grading system, probabilities and the algorithm.</summary>
    private static SrCode Evaluation(Finding finding)
    {
        var (concept, system) = Of(finding.Kind);
        var children = new List<SrItem>();
        if (finding.Side is Side.Left or Side.Right)
        {
            children.Add(new SrCode(SrRelationship.HasConceptModifier, Laterality, finding.Side == Side.Left ? Left : Right));
        }

        children.Add(new SrCode(SrRelationship.HasConceptModifier, MeasurementMethod, system));
        children.Add(new SrText(SrRelationship.HasConceptModifier, AlgorithmName, finding.Model.Name));
        children.Add(new SrText(SrRelationship.HasConceptModifier, AlgorithmVersion, finding.Model.Version));
        children.Add(new SrNumber(SrRelationship.HasProperties, Probability, Math.Round(finding.GradeProbabilities[finding.Grade], 4), NoUnits));
        children.Add(new SrNumber(SrRelationship.HasProperties, ProbabilityModerateOrWorse, Math.Round(finding.SignificantProbability, 4), NoUnits));
        if (finding.Explanation?.Rationale is { Length: > 0 } rationale)
        {
            children.Add(new SrText(SrRelationship.HasProperties, Comment, rationale));
        }

        return new SrCode(SrRelationship.Contains, concept, Grade(finding.Grade)) { Children = children };
    }

    /// <summary>The device's UID: fixed for a software version, so every document of one version names the same device.</summary>
    private static Guid DeviceGuid(string softwareVersion) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("spine-platform/" + softwareVersion)).AsSpan(0, 16));
}
