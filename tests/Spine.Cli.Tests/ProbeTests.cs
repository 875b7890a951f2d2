using System.Net;
using System.Text.Json.Nodes;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// Two OS processes on the real broker and S3 API: <c>spine probe</c> stores a 50 MiB payload and sends its claim
/// check; <c>spine serve --services probe</c> consumes it, reads the object back and verifies its SHA-256.
/// </summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class ProbeTests(RabbitMqEndpoint broker, S3Endpoint s3) : IClassFixture<RabbitMqEndpoint>, IClassFixture<S3Endpoint>
{
    [Fact]
    public async Task Payload_put_in_s3_by_one_process_is_verified_by_another_in_the_same_trace()
    {
        var suffix = Guid.NewGuid().ToString("n")[..10];
        var data = Path.Combine(Path.GetTempPath(), "spine-probe-" + suffix);
        var environment = new Dictionary<string, string>
        {
            ["Spine__Bus__Transport"] = "RabbitMq",
            ["Spine__Bus__RabbitMq__Url"] = broker.Url.ToString(),
            ["Spine__Bus__QueuePrefix"] = broker.NewPrefix("p"),
            ["Spine__Storage__Provider"] = "S3",
            ["Spine__Storage__Bucket"] = s3.NewBucket("spine-probe"),
            ["Spine__Storage__S3__Endpoint"] = s3.Endpoint,
            ["Spine__Storage__S3__AccessKey"] = s3.AccessKey,
            ["Spine__Storage__S3__SecretKey"] = s3.SecretKey,
            ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
        };
        var port = SpineProcess.FreeTcpPort();
        await using var consumer = SpineProcess.Start(["serve", "--services", "probe", "--urls", $"http://127.0.0.1:{port}"], environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var ready = await HealthEndpoint.WaitForAnswerAsync(http, "/health/ready", consumer, TimeSpan.FromSeconds(60), HttpStatusCode.OK);
        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        await using var producer = await SpineProcess.RunAsync(["probe", "--size-mb", "50", "--timeout-seconds", "90"], TimeSpan.FromSeconds(120), environment);

        Assert.True(producer.ExitCode == 0, $"spine probe exited {producer.ExitCode}. Errors:\n{producer.StandardError}");
        var result = JsonNode.Parse(producer.StandardOutput.Trim())!;
        Assert.Equal(50L * 1024 * 1024, result["length"]!.GetValue<long>());
        Assert.Matches("^[0-9a-f]{64}$", result["sha256"]!.GetValue<string>());
        Assert.Equal(result["sha256"]!.GetValue<string>(), result["consumerSha256"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", result["traceId"]!.GetValue<string>());
        Assert.Equal(result["traceId"]!.GetValue<string>(), result["consumerTraceId"]!.GetValue<string>());
        Assert.NotEqual(result["processId"]!.GetValue<int>(), result["consumerProcessId"]!.GetValue<int>());
        Assert.Contains("read back 52428800 bytes, SHA-256 verified", consumer.StandardError, StringComparison.Ordinal);
        foreach (var check in new[] { "masstransit-bus", "object-store", "ledger" })
        {
            Assert.Equal("Healthy", readiness["checks"]![check]!["status"]!.GetValue<string>());
        }
    }
}
