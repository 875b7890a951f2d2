using System.Text.RegularExpressions;
using Spine.Testing;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Spine.Deployment.Tests;

/// <summary>docker-compose.yml and the Dockerfile, checked without a Docker engine (none runs on the build machine).</summary>
public sealed partial class ComposeTests
{
    private static Dictionary<object, object> Compose()
    {
        using var reader = new StreamReader(Path.Combine(RepositoryLayout.Root, "docker-compose.yml"));
        return (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize(new MergingParser(new Parser(reader)))!;
    }

    private static Dictionary<object, object> Services => (Dictionary<object, object>)Compose()["services"];

    private static IEnumerable<(string Name, Dictionary<object, object> Environment)> ComposedServices() =>
        Services.Select(s => (Name: (string)s.Key, Service: (Dictionary<object, object>)s.Value))
            .Where(s => s.Service.TryGetValue("environment", out var e) && ((Dictionary<object, object>)e).ContainsKey("SPINE_SERVICES"))
            .Select(s => (s.Name, (Dictionary<object, object>)s.Service["environment"]));

    [Fact]
    public void Compose_runs_each_of_the_six_services_with_the_broker_storage_database_and_trace_ui()
    {
        var hosted = ComposedServices().Select(s => (string)s.Environment["SPINE_SERVICES"]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(SpineServices.Names.Order(StringComparer.Ordinal), hosted);
        foreach (var infrastructure in new[] { "rabbitmq", "minio", "minio-init", "postgres", "otel-collector", "jaeger" })
        {
            Assert.True(Services.ContainsKey(infrastructure), $"{infrastructure} is missing");
        }
    }

    [Fact]
    public void Every_spine_setting_in_compose_binds_to_an_option_of_the_service()
    {
        var problems = ComposedServices()
            .SelectMany(s => s.Environment.Keys.Cast<string>().Where(k => k.StartsWith("Spine__", StringComparison.Ordinal)).Select(k => OptionsBinding.Problem(k) is { } p ? $"{s.Name}: {p}" : null))
            .OfType<string>().ToList();

        Assert.Empty(problems);
        Assert.NotNull(OptionsBinding.Problem("Spine__Bus__RabbitMq__Uri"));
        Assert.NotNull(OptionsBinding.Problem("Spine__Ingestion__Dimse__AllowedCallingAeTitles__first"));
    }

    [Fact]
    public void Ports_are_bound_to_localhost_and_no_secret_is_written_in_compose()
    {
        foreach (var (name, service) in Services.Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value)))
        {
            if (service.TryGetValue("ports", out var ports))
            {
                Assert.All((List<object>)ports, p => Assert.StartsWith("127.0.0.1:", (string)p, StringComparison.Ordinal));
            }

            if (service.TryGetValue("environment", out var environment))
            {
                foreach (var (key, value) in ((Dictionary<object, object>)environment).Select(e => ((string)e.Key, e.Value as string ?? string.Empty)))
                {
                    if (Regex.IsMatch(key, "PASSWORD|SECRET|SecretKey|ApiKeys__[0-9]+__Key", RegexOptions.IgnoreCase))
                    {
                        Assert.Matches(@"\$\{[A-Z_]+:\?", value);
                    }
                }
            }
        }

        Assert.True(File.Exists(Path.Combine(RepositoryLayout.Root, ".env.example")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(RepositoryLayout.Root, ".gitignore")));
    }

    [Fact]
    public void The_image_builds_a_project_of_the_solution_that_ci_tests_and_runs_as_non_root_with_a_health_check()
    {
        foreach (var (name, service) in Services.Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value)).Where(s => s.Item2.ContainsKey("build")))
        {
            var dockerfile = (string)((Dictionary<object, object>)service["build"])["dockerfile"];
            var path = Path.Combine(RepositoryLayout.Root, dockerfile);
            Assert.True(File.Exists(path), $"{name}: {dockerfile} does not exist");
            var text = File.ReadAllText(path);
            var published = PublishedProject().Match(text).Groups[1].Value;
            Assert.Contains(published, File.ReadAllText(Path.Combine(RepositoryLayout.Root, "Spine.slnx")), StringComparison.Ordinal);
            Assert.Matches(@"(?m)^USER \$APP_UID", text);
            Assert.Matches(@"(?m)^HEALTHCHECK .*health.*/health/live", text);
        }
    }

    [Fact]
    public void The_gpu_variant_is_a_build_argument_that_puts_onnx_runtime_cuda_on_a_cuda_13_base_and_compose_runs_segmentation_on_it()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "deploy", "docker", "Dockerfile"));
        var analysis = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "spine-platform", "Spine.Analysis", "Spine.Analysis.csproj"));

        Assert.Matches(@"(?m)^ARG VARIANT=cpu$", dockerfile);
        Assert.Matches(@"(?m)^FROM runtime-\$\{VARIANT\} AS final$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS runtime-cpu$", dockerfile);
        Assert.Matches(@"(?m)^FROM nvidia/cuda:13\.[\d.]+-cudnn-runtime-\S+ AS runtime-gpu$", dockerfile);
        Assert.Contains("-p:OnnxRuntimeFlavor=$VARIANT", dockerfile, StringComparison.Ordinal);
        Assert.Contains("Include=\"Microsoft.ML.OnnxRuntime.Gpu.Linux\" Condition=\"'$(OnnxRuntimeFlavor)' == 'Gpu'\"", analysis, StringComparison.Ordinal);

        var gpuServices = Services.Where(s => ((Dictionary<object, object>)s.Value).TryGetValue("build", out var build)
            && ((Dictionary<object, object>)build).TryGetValue("args", out var args) && (string)((Dictionary<object, object>)args)["VARIANT"] == "gpu").ToList();
        var segmentation = (Dictionary<object, object>)Assert.Single(gpuServices).Value;
        Assert.Equal("Cuda", ((Dictionary<object, object>)segmentation["environment"])["Spine__Models__ExecutionProvider"]);
        Assert.Contains("deploy", segmentation.Keys);
        var cpuFallback = (Dictionary<object, object>)Services["segmentation-cpu"];
        Assert.Equal("Cpu", ((Dictionary<object, object>)cpuFallback["environment"])["Spine__Models__ExecutionProvider"]);
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();
}
