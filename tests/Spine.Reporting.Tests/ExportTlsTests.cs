using System.Globalization;
using System.Security.Authentication;
using System.Text.Json.Nodes;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Dicom.Network;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>
/// Export to a PACS (a real Orthanc) that speaks DICOM only over TLS and requires the platform's client certificate:
/// the findings arrive; a PACS whose certificate is not among the trusted ones is refused before any association.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class ExportTlsTests : IAsyncLifetime
{
    private readonly string _certificates = Directory.CreateTempSubdirectory("spine-export-tls-").FullName;
    private OrthancPeer _orthanc = null!;
    private (string Certificate, string Key) _platformCertificate;
    private string _pacsCertificate = null!;

    public async Task InitializeAsync()
    {
        var pacs = TestCertificates.Create(_certificates, "pacs");
        var platform = TestCertificates.Create(_certificates, "platform");
        (_pacsCertificate, _platformCertificate) = (pacs.CertificatePath, (platform.CertificatePath, platform.KeyPath));
        _orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>(), settings: new Dictionary<string, JsonNode?>
        {
            ["DicomTlsEnabled"] = true,
            ["DicomTlsCertificate"] = pacs.CertificatePath,
            ["DicomTlsPrivateKey"] = pacs.KeyPath,
            ["DicomTlsTrustedCertificates"] = platform.CertificatePath,
            ["DicomTlsRemoteCertificateRequired"] = true,
        });
    }

    [Fact]
    public async Task Findings_reach_a_pacs_that_requires_tls_and_a_client_certificate()
    {
        await using var platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, EmbeddedPlatform.Record<StudyReportPublished>, new Dictionary<string, string?>
        {
            ["Spine:Export:Destinations:0:Name"] = "tls-pacs",
            ["Spine:Export:Destinations:0:Host"] = "127.0.0.1",
            ["Spine:Export:Destinations:0:Port"] = _orthanc.DicomPort.ToString(CultureInfo.InvariantCulture),
            ["Spine:Export:Destinations:0:AeTitle"] = "ORTHANC",
            ["Spine:Export:Destinations:0:Tls"] = "true",
            ["Spine:Export:Destinations:0:TlsTrustedCertificatesPath"] = _pacsCertificate,
            ["Spine:Export:Destinations:0:TlsCertificatePath"] = _platformCertificate.Certificate,
            ["Spine:Export:Destinations:0:TlsKeyPath"] = _platformCertificate.Key,
        });
        PhantomWriter.WriteStudy(PhantomGenerator.Generate(new PhantomOptions { Seed = 959596, Distractors = false }), Path.Combine(platform.Root, "in"));
        var study = Assert.Single(await platform.Service<FolderImport>().ImportAsync(Path.Combine(platform.Root, "in", "dicom")));
        var published = await platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study.StudyId, seconds: 120);

        // One Secondary Capture per finding, the SR, the SEG and the PDF, all stored when the export has been consumed.
        await platform.WaitForConsumedAsync<StudyReportPublished>("export", m => m.StudyId == study.StudyId, count: 1, seconds: 120);
        var objects = published.Report.Levels.Sum(l => l.Findings.Count) + 3;
        Assert.Equal(objects, (await _orthanc.SopInstanceUidsAsync()).Count);
    }

    [Fact]
    public async Task A_pacs_whose_certificate_is_not_trusted_is_refused_and_plain_dicom_is_not_answered()
    {
        var stranger = TestCertificates.Create(_certificates, "stranger");
        var destination = new ExportDestination
        {
            Name = "impostor",
            Host = "127.0.0.1",
            Port = _orthanc.DicomPort,
            AeTitle = "ORTHANC",
            Tls = true,
            TlsTrustedCertificatesPath = stranger.CertificatePath,
            TlsCertificatePath = _platformCertificate.Certificate,
            TlsKeyPath = _platformCertificate.Key,
        };
        var contexts = DicomClient.ContextsFor([(SopClasses.SecondaryCaptureImageStorage, DicomTransferSyntax.ExplicitVRLittleEndian.Uid)]);

        await Assert.ThrowsAsync<AuthenticationException>(() => DicomClient.ConnectAsync("127.0.0.1", _orthanc.DicomPort, "SPINE", "ORTHANC", contexts, tls: ExportConsumer.TlsFor(destination)));
        await Assert.ThrowsAnyAsync<Exception>(() => DicomClient.ConnectAsync("127.0.0.1", _orthanc.DicomPort, "SPINE", "ORTHANC", contexts, timeout: TimeSpan.FromSeconds(5)));
    }

    public async Task DisposeAsync()
    {
        await _orthanc.DisposeAsync();
        Directory.Delete(_certificates, recursive: true);
    }
}
