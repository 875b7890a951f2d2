using System.Globalization;
using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Testing;
using Task = System.Threading.Tasks.Task;

namespace Spine.Reporting.Tests;

/// <summary>The report as FHIR R4, checked by Firely's validator against the R4 specification, and against the JSON report.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(ReportedPhantomStudyCollection.Name)]
public sealed class FhirReportTests(ReportedPhantomStudy study)
{
    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(Hl7.Fhir.Model.ModelInfo.ModelInspector);

    private async Task<Bundle> BundleAsync()
    {
        using var response = await study.Platform.Http!.GetAsync(new Uri($"/studies/{study.Report.StudyId}/fhir", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal(FhirReport.MediaType, response.Content.Headers.ContentType!.MediaType);
        return JsonSerializer.Deserialize<Bundle>(await response.Content.ReadAsStringAsync(), Fhir)!;
    }

    [Fact]
    public async Task Every_resource_of_the_bundle_validates_against_fhir_r4_with_no_error()
    {
        var bundle = await BundleAsync();
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        var validator = new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));

        var outcome = validator.Validate(bundle);

        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Expression.FirstOrDefault()}: {i.Details?.Text}").ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));

        // The validator does find errors: an Observation without its required status and code has them.
        Assert.Contains(validator.Validate(new Observation()).Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error);
        Assert.Equal(Bundle.BundleType.Transaction, bundle.Type);
        Assert.All(bundle.Entry, entry => Assert.Equal(Bundle.HTTPVerb.PUT, entry.Request!.Method));
    }

    [Fact]
    public async Task Observations_and_the_diagnostic_report_carry_the_json_reports_values()
    {
        var bundle = await BundleAsync();
        var report = study.Report;
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var findings = report.Levels.SelectMany(l => l.Findings).ToList();
        var measurements = report.Levels.SelectMany(l => l.Measurements).Where(m => m.Name is "dural sac area" or "disc area" or "dural sac / disc area ratio" or "dural sac AP diameter").ToList();
        Assert.Equal(findings.Count + measurements.Count, observations.Count);
        Assert.All(observations, o => Assert.Equal(ObservationStatus.Preliminary, o.Status));

        var graded = observations.Where(o => o.Value is CodeableConcept).ToList();
        Assert.Equal(findings.Count, graded.Count);
        foreach (var (finding, observation) in findings.Zip(graded))
        {
            Assert.Equal(ReportCodes.Grade(finding.Grade).Value, ((CodeableConcept)observation.Value!).Coding[0].Code);
            Assert.Equal(ReportCodes.Of(finding.Kind).Finding.Value, observation.Code!.Coding[0].Code);
            var probability = (Quantity)observation.Component.Single(c => c.Code!.Coding[0].Code == ReportCodes.ProbabilityModerateOrWorse.Value).Value!;
            Assert.Equal(Math.Round(finding.SignificantProbability, 4), (double)probability.Value!.Value, 6);
        }

        var quantities = observations.Where(o => o.Value is Quantity).ToList();
        foreach (var (measurement, observation) in measurements.Zip(quantities))
        {
            var value = (Quantity)observation.Value!;
            Assert.Equal(Math.Round(measurement.Value, 4), (double)value.Value!.Value, 6);
            Assert.Equal(measurement.Unit, value.Code);
            Assert.Equal(FhirReport.Ucum, value.System);
        }

        var diagnostic = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>());
        Assert.StartsWith(ReportText.Impression(report), diagnostic.Conclusion, StringComparison.Ordinal);
        Assert.Contains("synthetic phantoms", diagnostic.Conclusion, StringComparison.Ordinal);
        Assert.Equal(observations.Count, diagnostic.Result.Count);
        using var pdf = await study.Platform.Http!.GetAsync(new Uri($"/studies/{report.StudyId}/report?format=pdf", UriKind.Relative));
        Assert.Equal(await pdf.Content.ReadAsByteArrayAsync(), diagnostic.PresentedForm.Single().Data);
        var imaging = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<ImagingStudy>());
        Assert.Equal("urn:oid:" + study.Phantom.Truth.StudyInstanceUid, imaging.Identifier.Single().Value);
        Assert.Equal(report.SeriesInstanceUid, imaging.Series.Single().Uid);
        var source = DicomFile.Read(File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(study.Platform.Root, "in", "dicom"), "*", SearchOption.AllDirectories).First())).Dataset;
        Assert.Equal(source.GetString(DicomTags.PatientId), diagnostic.Subject!.Identifier!.Value);
        Assert.Equal(report.GeneratedAt.ToString("o", CultureInfo.InvariantCulture), diagnostic.Issued!.Value.ToString("o", CultureInfo.InvariantCulture));
    }
}
