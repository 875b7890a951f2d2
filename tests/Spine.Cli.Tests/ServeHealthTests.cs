using System.Net;
using System.Text.Json.Nodes;
using Spine.Platform.Diagnostics;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary><c>spine serve</c> as its own process: health endpoints for Kubernetes probes.</summary>
public sealed class ServeHealthTests
{
    [Fact]
    public async Task Served_host_is_live_but_not_ready_while_its_broker_is_unreachable()
    {
        var port = SpineProcess.FreeTcpPort();
        var deadBroker = SpineProcess.FreeTcpPort();
        var data = Path.Combine(Path.GetTempPath(), "spine-serve-" + Guid.NewGuid().ToString("n"));
        await using var spine = SpineProcess.Start(
            ["serve", "--services", "probe", "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["Spine__Bus__Transport"] = "RabbitMq",
                ["Spine__Bus__RabbitMq__Url"] = $"amqp://guest:guest@127.0.0.1:{deadBroker}/",
                ["Spine__Storage__FileSystem__Root"] = Path.Combine(data, "objects"),
                ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
                ["Logging__Console__FormatterName"] = "json",
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var live = await HealthEndpoint.WaitForAnswerAsync(http, "/health/live", spine, TimeSpan.FromSeconds(60));
        var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Healthy", report["checks"]!["object-store"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", report["checks"]!["ledger"]!["status"]!.GetValue<string>());
        Assert.NotEqual("Healthy", report["checks"]!["masstransit-bus"]!["status"]!.GetValue<string>());

        // Asked for JSON logs (Logging:Console:FormatterName=json), every log line is a JSON object a collector can parse.
        var written = spine.StandardError;
        var logLines = written[..(written.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); // whole lines only: the process is still writing
        Assert.NotEmpty(logLines);
        Assert.All(logLines, line => Assert.True(JsonNode.Parse(line) is JsonObject { } entry && entry.ContainsKey("LogLevel") && entry.ContainsKey("Category"), line));
    }
}

internal static class HealthEndpoint
{
    /// <summary>Polls until the endpoint answers at all (any status); fails with the process's output if it never does.</summary>
    public static async Task<HttpResponseMessage> WaitForAnswerAsync(HttpClient http, string path, ChildProcess process, TimeSpan within, HttpStatusCode? wanted = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"spine exited early. Errors:\n{process.StandardError}");
            try
            {
                var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                if (wanted is null || response.StatusCode == wanted)
                {
                    return response;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{path} did not answer{(wanted is null ? "" : $" {wanted}")} within {within.TotalSeconds:0} s. Errors:\n{process.StandardError}");
    }
}

/// <summary>The analysis services hosted together as one process, as a node of a deployment would host them.</summary>
public sealed class ServeAnalysisServicesTests
{
    [Fact]
    public async Task Analysis_services_start_together_and_are_ready_with_the_reference_models()
    {
        var port = SpineProcess.FreeTcpPort();
        var data = Path.Combine(Path.GetTempPath(), "spine-serve-" + Guid.NewGuid().ToString("n"));
        await using var spine = SpineProcess.Start(
            ["serve", "--services", "preprocessing,segmentation,classification,explanation,reporting", "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["Spine__Storage__FileSystem__Root"] = Path.Combine(data, "objects"),
                ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
                ["Spine__Models__Root"] = Path.Combine(RepositoryLayout.Root, "models"),
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var ready = await HealthEndpoint.WaitForAnswerAsync(http, "/health/ready", spine, TimeSpan.FromSeconds(60), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_models_folder_that_does_not_exist_stops_the_host_naming_the_setting()
    {
        await using var spine = await RunSegmentationAsync(data => ("Spine__Models__Root", Path.Combine(data, "no-models-here")));

        Assert.NotEqual(0, spine.ExitCode);
        Assert.Contains("Spine:Models:Root", spine.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cuda_asked_of_the_cpu_build_stops_segmentation_at_start_saying_which_build_has_it()
    {
        await using var spine = await RunSegmentationAsync(_ => ("Spine__Models__ExecutionProvider", "Cuda"));

        Assert.NotEqual(0, spine.ExitCode);
        Assert.Contains("it is the CPU flavour", spine.StandardError, StringComparison.Ordinal);
        Assert.Contains("VARIANT=gpu", spine.StandardError, StringComparison.Ordinal);
        Assert.Contains("Spine:Models:ExecutionProvider", spine.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_certificate_configured_serve_answers_over_https()
    {
        var data = Directory.CreateTempSubdirectory("spine-https-").FullName;
        var (certificate, certificatePath, keyPath) = TestCertificates.Create(data, "spine-test");
        using var disposeCertificate = certificate;
        var port = SpineProcess.FreeTcpPort();
        await using var spine = SpineProcess.Start(
            ["serve", "--services", "ingestion", "--urls", $"https://127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["Spine__Storage__FileSystem__Root"] = Path.Combine(data, "objects"),
                ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
                ["Kestrel__Certificates__Default__Path"] = certificatePath,
                ["Kestrel__Certificates__Default__KeyPath"] = keyPath,
            });
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => TestCertificates.IsThis(certificate, presented),
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };

        var live = await HealthEndpoint.WaitForAnswerAsync(https, "/health/live", spine, TimeSpan.FromSeconds(60), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("https", live.RequestMessage!.RequestUri!.Scheme);
    }

    /// <summary>Runs <c>spine serve --services segmentation</c> in the embedded configuration with one setting changed; it is expected to stop.</summary>
    private static async Task<ChildProcess> RunSegmentationAsync(Func<string, (string Name, string Value)> setting)
    {
        var data = Path.Combine(Path.GetTempPath(), "spine-serve-" + Guid.NewGuid().ToString("n"));
        var environment = new Dictionary<string, string>
        {
            ["Spine__Storage__FileSystem__Root"] = Path.Combine(data, "objects"),
            ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
            ["Spine__Models__Root"] = Path.Combine(RepositoryLayout.Root, "models"),
        };
        var (name, value) = setting(data);
        environment[name] = value;
        return await SpineProcess.RunAsync(
            ["serve", "--services", "segmentation", "--urls", $"http://127.0.0.1:{SpineProcess.FreeTcpPort()}"], TimeSpan.FromSeconds(60), environment);
    }
}
