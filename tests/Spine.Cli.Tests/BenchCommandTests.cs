using Spine.Testing;

namespace Spine.Cli.Tests;

public sealed class PipelineBenchTests
{
    [Fact]
    public async Task Pipeline_bench_reports_wall_time_onnx_share_and_bare_inference_as_ratios_in_markdown_or_json()
    {
        await using var spine = await SpineProcess.RunAsync(["bench", "pipeline", "--repeat", "1", "--models", Path.Combine(RepositoryLayout.Root, "models"), "--json"], TimeSpan.FromMinutes(5));

        Assert.True(spine.ExitCode == 0, spine.StandardError);
        var report = System.Text.Json.Nodes.JsonNode.Parse(spine.StandardOutput)!; // --json: one document, the Markdown tables as rows
        Assert.Equal("pipeline", report["benchmark"]!.GetValue<string>());
        var rows = report["tables"]!.AsArray().SelectMany(table => table!.AsArray()).Select(row => row!.AsObject().Select(cell => cell.Value!).ToList()).ToList();
        var wall = Assert.Single(rows, row => row[0].GetValue<string>() == "wall time, import to StudyReportPublished");
        Assert.True(wall[1].GetValue<double>() > 0 && wall[2].GetValue<double>() >= 1);
        Assert.Single(rows, row => row[0].GetValue<string>().StartsWith("inside ONNX Runtime during it (", StringComparison.Ordinal) && row[1].GetValue<double>() > 0);
        Assert.Equal(1.0, Assert.Single(rows, row => row[0].GetValue<string>().StartsWith("bare inference: ", StringComparison.Ordinal))[2].GetValue<double>());
    }
}

/// <summary>Runs dcmtk's storescu, Orthanc and storescp (Debian's packages), hence an integration test.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class DimseBenchTests
{
    [Fact]
    public async Task Dimse_bench_stores_every_instance_sent_and_reports_throughputs_beside_orthanc_and_a_discarding_storescp()
    {
        await using var spine = await SpineProcess.RunAsync(["bench", "dimse", "--instances", "10"], TimeSpan.FromMinutes(3));

        Assert.True(spine.ExitCode == 0, spine.StandardError);
        // Three runs, each a warm-up association and then the same 10 instances (once split over 4 associations at once), each its own study.
        Assert.Contains("the ingestion SCP stored 60 objects in all", spine.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\| storescu defaults \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d\d \| \d+\.\d\d \|", spine.StandardOutput);
        Assert.Matches(@"\| TCP_NODELAY=1 \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d\d \| \d+\.\d\d \|", spine.StandardOutput);
        Assert.Matches(@"\| TCP_NODELAY=1, 4 associations at once \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d\d \| \d+\.\d\d \|", spine.StandardOutput);
    }
}

/// <summary>
/// Six service processes on the test servers under a small load (the README's figures are the full run). The bench's
/// kill scenario kills each service in turn with <c>ServiceFleet.KillEachInTurnAsync</c>, which
/// <see cref="DistributedPipelineTests"/> runs with its own studies; a second fleet killed here only doubled the time.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class ResilienceBenchTests(RabbitMqEndpoint broker, S3Endpoint s3, PostgresEndpoint postgres)
    : IClassFixture<RabbitMqEndpoint>, IClassFixture<S3Endpoint>, IClassFixture<PostgresEndpoint>
{
    [Fact]
    public async Task Resilience_bench_counts_each_study_reported_once_under_a_load_and_prints_the_peak_memory_of_each_service()
    {
        await using var spine = await SpineProcess.RunAsync(
            ["bench", "resilience", "--studies", "1", "--load", "2", "--scenario", "load",
             "--broker", broker.Url.ToString(), "--broker-management", broker.ManagementUrl.ToString(), "--s3", s3.Endpoint, "--s3-access-key", s3.AccessKey, "--s3-secret-key", s3.SecretKey, "--ledger", postgres.AdminConnectionString,
             "--models", Path.Combine(RepositoryLayout.Root, "models")],
            TimeSpan.FromMinutes(6));

        Assert.True(spine.ExitCode == 0, $"{spine.StandardOutput}\n{spine.StandardError}");
        Assert.DoesNotContain("SIGKILLed", spine.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\| 2 studies at once, no fault \| 2 \| 2 \| 0 \| 0 \| 0 \| 0 \| \d+ \(\w+\) \| \d+ \|", spine.StandardOutput);
        Assert.Matches(@"\| load \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \|", spine.StandardOutput);
    }
}

public sealed class CudaBenchTests
{
    [Fact]
    public async Task Cuda_bench_on_a_cpu_build_refuses_with_the_reason_instead_of_timing_the_cpu()
    {
        await using var spine = await SpineProcess.RunAsync(["bench", "cuda", "--models", Path.Combine(RepositoryLayout.Root, "models")], TimeSpan.FromMinutes(2));

        Assert.Equal(3, spine.ExitCode); // ExitCodes.Configuration
        Assert.Contains("it is the CPU flavour", spine.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("| batch", spine.StandardOutput, StringComparison.Ordinal);
    }
}

/// <summary>The bench's six processes on the test servers, two studies; the embedded mode runs in the GPU check script's test.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class ThroughputBenchTests(RabbitMqEndpoint broker, S3Endpoint s3, PostgresEndpoint postgres)
    : IClassFixture<RabbitMqEndpoint>, IClassFixture<S3Endpoint>, IClassFixture<PostgresEndpoint>
{
    [Fact]
    public async Task Throughput_bench_reports_studies_per_hour_latency_percentiles_and_time_per_stage_of_six_processes()
    {
        await using var spine = await SpineProcess.RunAsync(
            ["bench", "throughput", "--studies", "2", "--mode", "distributed",
             "--broker", broker.Url.ToString(), "--broker-management", broker.ManagementUrl.ToString(), "--s3", s3.Endpoint, "--s3-access-key", s3.AccessKey, "--s3-secret-key", s3.SecretKey, "--ledger", postgres.AdminConnectionString,
             "--models", Path.Combine(RepositoryLayout.Root, "models")],
            TimeSpan.FromMinutes(6));

        Assert.True(spine.ExitCode == 0, $"{spine.StandardOutput}\n{spine.StandardError}");
        Assert.Matches(@"a ceiling of \d+ studies per hour", spine.StandardOutput);
        Assert.Matches(@"\| six processes \(RabbitMQ, S3, PostgreSQL\) \| 2 of 2 \| \d+\.\d \| \d+ \| \d\.\d\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \|", spine.StandardOutput);
        // Every stage after ingestion records its start and end: its working time is measured.
        Assert.Matches(@"\| Segmentation \| \d+\.\d\d \| \d+\.\d\d \|", spine.StandardOutput);
        Assert.Matches(@"\| Reporting \| \d+\.\d\d \| \d+\.\d\d \|", spine.StandardOutput);
    }
}
