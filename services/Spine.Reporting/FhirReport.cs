using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Spine.Contracts.V1;
using Spine.Dicom;
using Code = Spine.Dicom.StructuredReporting.Code;

namespace Spine.Reporting;

/// <summary>
/// The report for electronic records as FHIR R4: a transaction Bundle holding an ImagingStudy for the source study, one
/// Observation per graded finding (the grade as SNOMED CT, the level's disc as body site, the grading system as method,
/// the probabilities as components) and per level measurement (UCUM quantities), and a DiagnosticReport with the
/// impression as conclusion and the PDF as presented form. Everything is preliminary: no person has verified it. Each
/// entry is a PUT to an id derived from the StudyId, so posting again updates the same resources; references between
/// entries are urn:uuid, which the receiving server resolves. The codes are the SR's (docs/structured-report.md).
/// </summary>
public static class FhirReport
{
    public const string MediaType = "application/fhir+json";

    public const string Snomed = "http://snomed.info/sct";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string Loinc = "http://loinc.org";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>The FHIR system of the private scheme 99SPINE (a URN: the platform has no registered code system).</summary>
    public const string PrivateSystem = "urn:spine-platform:codes:99SPINE";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(Hl7.Fhir.Model.ModelInfo.ModelInspector).Pretty();

    public static Bundle Build(StudyReport report, StudyIdentity identity, byte[]? pdf)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(identity);
        var subject = new ResourceReference
        {
            Identifier = new Identifier { Value = identity.PatientId },
            Display = identity.PatientName.Replace('^', ' ').Trim(),
        };
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var study = Add(bundle, report.StudyId, "imaging-study", ImagingStudy(report, identity, subject));
        var results = new List<ResourceReference>();
        foreach (var level in report.Levels)
        {
            foreach (var (measurement, index) in level.Measurements.Select((m, i) => (m, i)))
            {
                if (MeasurementObservation(measurement, level, subject, study, report.GeneratedAt) is { } observation)
                {
                    results.Add(Add(bundle, report.StudyId, $"{level.Level.Name()}-measurement-{index}", observation));
                }
            }

            foreach (var finding in level.Findings)
            {
                results.Add(Add(bundle, report.StudyId, $"{level.Level.Name()}-{finding.Kind}-{finding.Side}", FindingObservation(finding, level, subject, study, report.GeneratedAt)));
            }
        }

        var diagnostic = new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Preliminary,
            Category = [Concept("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", "Radiology")],
            Code = Concept(Loinc, "18748-4", "Diagnostic imaging study"),
            Subject = subject,
            Effective = StudyDate(identity),
            Issued = report.GeneratedAt,
            ImagingStudy = [study],
            Result = results,
            Conclusion = ReportText.Impression(report) + " " + report.Disclaimer,
            Identifier = [new Identifier { System = "urn:spine-platform:study-id", Value = report.StudyId.ToString() }],
        };
        if (pdf is not null)
        {
            diagnostic.PresentedForm = [new Attachment { ContentType = "application/pdf", Data = pdf, Title = "Lumbar spine MRI: automated reading (not for diagnosis)", Creation = report.GeneratedAt.ToString("o") }];
        }

        Add(bundle, report.StudyId, "diagnostic-report", diagnostic);
        return bundle;
    }

    public static string ToJson(Bundle bundle) => JsonSerializer.Serialize(bundle, Json);

    private static ImagingStudy ImagingStudy(StudyReport report, StudyIdentity identity, ResourceReference subject)
    {
        var study = new ImagingStudy
        {
            Status = Hl7.Fhir.Model.ImagingStudy.ImagingStudyStatus.Available,
            Subject = subject,
            Identifier = [new Identifier { System = "urn:dicom:uid", Value = "urn:oid:" + identity.StudyInstanceUid }],
            Started = StudyDate(identity).Value,
            Description = identity.StudyDescription.Length > 0 ? identity.StudyDescription : null,
        };
        if (report.SeriesInstanceUid.Length > 0)
        {
            var used = report.Series?.FirstOrDefault(s => s.Used);
            study.Series.Add(new ImagingStudy.SeriesComponent
            {
                Uid = report.SeriesInstanceUid,
                Number = used?.SeriesNumber,
                Description = used?.Description,
                Modality = new Coding(Dicom, "MR", "Magnetic Resonance"),
                Instance = [.. report.Levels.Select(l => l.ReadOn?.Instance).OfType<SourceInstance>().DistinctBy(i => i.SopInstanceUid).Select(i => new ImagingStudy.InstanceComponent
                {
                    Uid = i.SopInstanceUid,
                    SopClass = new Coding("urn:ietf:rfc:3986", "urn:oid:" + i.SopClassUid),
                    Number = i.InstanceNumber,
                })],
            });
        }

        return study;
    }

    private static Observation FindingObservation(Finding finding, LevelReport level, ResourceReference subject, ResourceReference study, DateTimeOffset issued)
    {
        var (concept, system) = ReportCodes.Of(finding.Kind);
        var observation = Observation(Concept(concept), level, subject, study, issued);
        observation.Value = Concept(ReportCodes.Grade(finding.Grade));
        observation.Method = Concept(system);
        if (finding.Side is Side.Left or Side.Right)
        {
            observation.Component.Add(new Observation.ComponentComponent { Code = Concept(ReportCodes.Laterality), Value = Concept(finding.Side == Side.Left ? ReportCodes.Left : ReportCodes.Right) });
        }

        observation.Component.Add(new Observation.ComponentComponent { Code = Concept(ReportCodes.Probability), Value = Ratio(finding.GradeProbabilities[finding.Grade]) });
        observation.Component.Add(new Observation.ComponentComponent { Code = Concept(ReportCodes.ProbabilityModerateOrWorse), Value = Ratio(finding.SignificantProbability) });
        observation.Device = new ResourceReference { Display = $"{finding.Model.Name} {finding.Model.Version}" };
        if (finding.Explanation?.Rationale is { Length: > 0 } rationale)
        {
            observation.Note.Add(new Annotation { Text = rationale });
        }

        return observation;
    }

    private static Observation? MeasurementObservation(Measurement measurement, LevelReport level, ResourceReference subject, ResourceReference study, DateTimeOffset issued)
    {
        var (code, unit) = measurement.Name switch
        {
            "dural sac area" => (new CodeableConcept { Coding = [Coding(ReportCodes.Area)], Text = "Dural sac cross-sectional area" }, ReportCodes.SquareMillimeter),
            "disc area" => (new CodeableConcept { Coding = [Coding(ReportCodes.Area)], Text = "Disc cross-sectional area" }, ReportCodes.SquareMillimeter),
            "dural sac / disc area ratio" => (Concept(ReportCodes.SacToDiscAreaRatio), ReportCodes.NoUnits),
            "dural sac AP diameter" => (Concept(ReportCodes.ApDiameter), ReportCodes.Millimeter),
            _ => ((CodeableConcept?)null, (Code?)null),
        };
        if (code is null)
        {
            return null;
        }

        var observation = Observation(code, level, subject, study, issued);
        if (measurement.Name == "dural sac area")
        {
            observation.BodySite = Concept(ReportCodes.DuraMater);
        }

        observation.Value = new Quantity { Value = (decimal)Math.Round(measurement.Value, 4), Unit = unit!.Meaning, System = Ucum, Code = unit.Value };
        return observation;
    }

    private static Observation Observation(CodeableConcept code, LevelReport level, ResourceReference subject, ResourceReference study, DateTimeOffset issued) => new()
    {
        Status = ObservationStatus.Preliminary,
        Category = [Concept("http://terminology.hl7.org/CodeSystem/observation-category", "imaging", "Imaging")],
        Code = code,
        Subject = subject,
        Issued = issued,
        BodySite = ReportCodes.Disc(level.Level) is { } disc ? Concept(disc) : new CodeableConcept { Text = level.Level.Name() },
        DerivedFrom = [study],
        Note = level.ReadOn is { } on ? [new Annotation { Text = $"{level.Level.Name()}, read on {ReportText.Where(on, null)}" }] : [],
    };

    /// <summary>The study's date: DICOM's study time has no time zone, and a FHIR dateTime with a time must have one.</summary>
    private static FhirDateTime StudyDate(StudyIdentity identity) => new(identity.StudyDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    private static Quantity Ratio(double value) => new() { Value = (decimal)Math.Round(value, 4), Unit = "no units", System = Ucum, Code = "1" };

    private static ResourceReference Add(Bundle bundle, Guid studyId, string name, Resource resource)
    {
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{studyId:N}/fhir/{name}")).AsSpan(0, 16));
        resource.Id = id.ToString();
        var type = resource.TypeName;
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{id}",
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{type}/{id}" },
        });
        return new ResourceReference($"urn:uuid:{id}");
    }

    private static CodeableConcept Concept(Code code) => new() { Coding = [Coding(code)], Text = code.Meaning };

    private static CodeableConcept Concept(string system, string code, string display) => new() { Coding = [new Coding(system, code, display)], Text = display };

    private static Coding Coding(Code code) => new(code.Scheme switch
    {
        "SCT" => Snomed,
        "DCM" => Dicom,
        "LN" => Loinc,
        "UCUM" => Ucum,
        ReportCodes.PrivateScheme => PrivateSystem,
        _ => "urn:spine-platform:codes:" + code.Scheme,
    }, code.Value, code.Meaning);
}
