using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Diagnostics;
using Spine.Platform.Security;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>
/// The embedded platform with its HTTP endpoints (the composition <c>spine serve</c> runs), one phantom study reported
/// through it for the console to show; tests add studies of their own (one to watch, one that fails).
/// </summary>
public sealed class WebConsolePlatform : IAsyncLifetime
{
    public EmbeddedPlatform Platform { get; private set; } = null!;

    public StudyReport Report { get; private set; } = null!;

    /// <summary>An API key with the read role only.</summary>
    public const string ReaderKey = "console-tests-reader-key-0123456789";

    /// <summary>The export destination's name.</summary>
    public const string Pacs = "reading-room-pacs";

    /// <summary>The PACS's address: refused until a test opens it to a real PACS.</summary>
    public TcpGate PacsGate { get; } = new();

    public Uri Console => new(Platform.Http!.BaseAddress!, "/console/");

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Spine:Security:ApiKeys:1:Name"] = "reader",
            [$"Spine:Security:ApiKeys:1:Key"] = ReaderKey,
            [$"Spine:Security:ApiKeys:1:Roles"] = SpineRoles.Read,

            // A PACS that is down until a test puts Orthanc behind its address: every export gives up at first.
            ["Spine:Export:Destinations:0:Name"] = Pacs,
            ["Spine:Export:Destinations:0:Host"] = "127.0.0.1",
            ["Spine:Export:Destinations:0:Port"] = PacsGate.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Spine:Export:Destinations:0:AeTitle"] = "ORTHANC",
            ["Spine:Export:Attempts"] = "1",
            ["Spine:Export:FirstRetryDelaySeconds"] = "0",

            // A study whose stage keeps failing gives up in seconds, not after the default redeliveries' minutes.
            ["Spine:Bus:Retry:Intervals:0"] = "00:00:00.050",
            ["Spine:Bus:Redelivery:Intervals:0"] = "00:00:00.200",
        };
        Platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, bus =>
        {
            EmbeddedPlatform.Record<StudyReportPublished>(bus);
            EmbeddedPlatform.Record<StudyFailed>(bus);
        }, settings, web: true);
        var study = await ImportAsync(969696);
        Report = (await Platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study, seconds: 180)).Report;
    }

    /// <summary>Writes a phantom study and imports it; <paramref name="withoutAxialT2"/> leaves out the series the pipeline reads, so that it fails.</summary>
    public async Task<Guid> ImportAsync(int seed, bool withoutAxialT2 = false)
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = withoutAxialT2 });
        var folder = Path.Combine(Platform.Root, $"study-{seed}");
        PhantomWriter.WriteStudy(phantom, folder);
        if (withoutAxialT2)
        {
            var axial = phantom.Series.Single(s => s.SeriesInstanceUid == phantom.Truth.AxialT2SeriesInstanceUid);
            Directory.Delete(Path.Combine(folder, "dicom", axial.Folder), recursive: true);
        }

        return Assert.Single(await Platform.Service<FolderImport>().ImportAsync(Path.Combine(folder, "dicom"))).StudyId;
    }

    public async Task DisposeAsync()
    {
        await Platform.DisposeAsync();
        await PacsGate.DisposeAsync();
    }
}
