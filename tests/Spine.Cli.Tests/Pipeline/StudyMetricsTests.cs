using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Spine.Cli;
using Spine.Contracts.V1;
using Spine.Ingestion;
using Spine.Phantom;
using Spine.Platform.Hosting;
using Spine.Platform.Security;
using Spine.Testing;

namespace Spine.Cli.Tests.Pipeline;

/// <summary>
/// The platform's instruments are process-wide: a test that counts them runs with no other test of this project
/// beside it, so that no other pipeline's studies are counted.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>What an operations team's Prometheus scrapes from /metrics after studies ran, end to end in one process.</summary>
[Collection(nameof(MetricsCollection))]
public sealed partial class StudyMetricsTests : IAsyncLifetime
{
    private const string MonitorKey = "metrics-tests-monitor-key-0123456789";
    private const string ReaderKey = "metrics-tests-reader-key-0123456789";
    private EmbeddedPlatform _platform = null!;

    public async Task InitializeAsync() =>
        _platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, bus =>
        {
            EmbeddedPlatform.Record<StudyReportPublished>(bus);
            EmbeddedPlatform.Record<StudyFailed>(bus);
        }, new Dictionary<string, string?>
        {
            ["Spine:Security:ApiKeys:1:Name"] = "prometheus",
            ["Spine:Security:ApiKeys:1:Key"] = MonitorKey,
            ["Spine:Security:ApiKeys:1:Roles"] = SpineRoles.Monitor,
            ["Spine:Security:ApiKeys:2:Name"] = "reader",
            ["Spine:Security:ApiKeys:2:Key"] = ReaderKey,
            ["Spine:Security:ApiKeys:2:Roles"] = SpineRoles.Read,
        }, web: true);

    [Fact]
    public async Task After_ten_studies_one_failing_the_scrape_shows_nine_completed_one_failed_with_its_reason_and_nine_study_latencies()
    {
        var imported = new List<Guid>();
        for (var seed = 880001; seed <= 880009; seed++)
        {
            imported.Add(await ImportAsync(seed, withoutAxialT2: false));
        }

        var failing = await ImportAsync(880010, withoutAxialT2: true);
        foreach (var study in imported)
        {
            await _platform.WaitForAsync<StudyReportPublished>(m => m.StudyId == study, seconds: 300);
        }

        await _platform.WaitForAsync<StudyFailed>(m => m.StudyId == failing, seconds: 60);

        // The report is published by the outbox as the stage's transaction ends; the completion is counted just after.
        var metrics = await ScrapeUntilAsync(m => Value(m, "spine_studies_completed_total") >= 9);

        Assert.Equal(10, Value(metrics, "spine_studies_received_total", ("spine_source", "folder")));
        Assert.Equal(9, Value(metrics, "spine_studies_completed_total"));
        Assert.Equal(1, Value(metrics, "spine_studies_failed_total", ("spine_failure_code", "no-axial-t2-series"), ("spine_stage", "preprocessing")));
        Assert.Equal(1, Sum(metrics, "spine_studies_failed_total"));
        Assert.Equal(9, Value(metrics, "spine_study_duration_seconds_count"));
        Assert.InRange(Value(metrics, "spine_study_duration_seconds_sum"), 9 * 0.1, 9 * 600);
        Assert.Equal(9, Value(metrics, "spine_stage_duration_seconds_count", ("spine_outcome", "completed"), ("spine_stage", "reporting")));
        Assert.Equal(1, Value(metrics, "spine_stage_duration_seconds_count", ("spine_outcome", "failed"), ("spine_stage", "preprocessing")));
        Assert.Equal(0, Sum(metrics, "spine_stage_active"));
        // The ledger's backlog, read at start and every 15 s: one series per stage, whatever the read found.
        Assert.All(Enum.GetValues<PipelineStage>(), stage => Assert.Single(Samples(metrics, "spine_stage_oldest_wait_seconds", ("spine_stage", StudyMetrics.StageName(stage)))));
        Assert.All(Enum.GetValues<PipelineStage>(), stage => Assert.Single(Samples(metrics, "spine_stage_backlog", ("spine_stage", StudyMetrics.StageName(stage)))));
        Assert.True(Value(metrics, "spine_model_inference_duration_seconds_count", ("spine_model", "spine-vnet-segmenter")) >= 9);
        Assert.DoesNotContain(imported[0].ToString(), metrics, StringComparison.OrdinalIgnoreCase); // no study's identity
    }

    [Fact]
    public async Task Metrics_are_served_to_the_monitor_role_only()
    {
        using var anonymous = await _platform.Anonymous!.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var reader = await GetAsync(ReaderKey);
        using var monitor = await GetAsync(MonitorKey);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, monitor.StatusCode);
    }

    private async Task<Guid> ImportAsync(int seed, bool withoutAxialT2)
    {
        var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = withoutAxialT2 });
        var folder = Path.Combine(_platform.Root, $"study-{seed}");
        PhantomWriter.WriteStudy(phantom, folder);
        if (withoutAxialT2)
        {
            var axial = phantom.Series.Single(s => s.SeriesInstanceUid == phantom.Truth.AxialT2SeriesInstanceUid);
            Directory.Delete(Path.Combine(folder, "dicom", axial.Folder), recursive: true);
        }

        return Assert.Single(await _platform.Service<FolderImport>().ImportAsync(Path.Combine(folder, "dicom"))).StudyId;
    }

    private async Task<HttpResponseMessage> GetAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_platform.Http!.BaseAddress!, "/metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _platform.Anonymous!.SendAsync(request);
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await GetAsync(MonitorKey);
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync();
            if (done(text) || DateTimeOffset.UtcNow > deadline)
            {
                return text;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>The samples of a metric in the Prometheus text format whose labels include every one given.</summary>
    private static IEnumerable<double> Samples(string metrics, string name, params (string Label, string Value)[] labels) =>
        metrics.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    private static double Value(string metrics, string name, params (string Label, string Value)[] labels) =>
        Samples(metrics, name, labels).DefaultIfEmpty(0).Single();

    private static double Sum(string metrics, string name) => Samples(metrics, name).Sum();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Sample();

    public async Task DisposeAsync() => await _platform.DisposeAsync();
}
