using k8s;
using k8s.Models;
using Spine.Deployment.Tests.GoTemplates;
using Spine.Testing;

namespace Spine.Deployment.Tests;

/// <summary>
/// helm/spine-platform rendered by the tests' own Go-template renderer (Helm is not installable on the build machine)
/// and read into KubernetesClient's typed objects, then held to the same rules as the kustomize manifests.
/// </summary>
public sealed class HelmRenderTests
{
    private const string Release = "spine";

    private static readonly HelmChart Chart = new(Path.Combine(RepositoryLayout.Root, "helm", "spine-platform"));

    private static List<object> Objects(IReadOnlyDictionary<string, object?>? overrides = null) =>
        Chart.Render(Release, overrides).Where(f => f.Key.EndsWith(".yaml", StringComparison.Ordinal))
            .SelectMany(f => Manifests.Read(f.Value)).ToList();

    private static string Service(V1Deployment deployment) => deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/name"];

    [Fact]
    public void By_default_the_chart_requires_tls_on_every_hop_and_credentials_on_every_http_endpoint()
    {
        var objects = Objects();
        var config = Assert.Single(objects.OfType<V1ConfigMap>()).Data;
        var deployments = objects.OfType<V1Deployment>().ToDictionary(Service);

        DeploymentRules.AssertTransportSecurity(config, "helm");
        DeploymentRules.AssertApiKeys(deployments, "helm");
    }

    [Fact]
    public void The_chart_renders_into_typed_objects_with_no_unknown_field_and_hardened_deployments_for_all_six_services()
    {
        var objects = Objects();
        var deployments = objects.OfType<V1Deployment>().ToList();

        Assert.Equal(SpineServices.Names.Order(StringComparer.Ordinal), deployments.Select(Service).Order(StringComparer.Ordinal));
        Assert.All(deployments, d => Assert.Equal($"{Release}-{Service(d)}", d.Metadata.Name));
        Assert.All(deployments, d => DeploymentRules.AssertHardened(d, Service(d), "helm"));
        DeploymentRules.AssertOneIngestionAtATime(deployments, Service, "helm");
        Assert.Equal(6, objects.OfType<V1PodDisruptionBudget>().Count());
        Assert.Contains(objects.OfType<V1Service>(), s => s.Metadata.Name == $"{Release}-ingestion" && s.Spec.Ports.Any(p => p.Port == 11112));
        Assert.NotEmpty(objects.OfType<V1NetworkPolicy>());
        DeploymentRules.AssertSelectorsMatch(objects, "helm");
    }

    [Fact]
    public void By_default_segmentation_runs_on_a_gpu_node_with_the_cuda_image_and_without_it_on_the_cpu_image()
    {
        var gpu = Objects().OfType<V1Deployment>().Single(d => Service(d) == "segmentation");
        var cpu = Objects(new Dictionary<string, object?> { ["services.segmentation.gpu.enabled"] = false }).OfType<V1Deployment>().Single(d => Service(d) == "segmentation");

        Assert.Equal("1", gpu.Container().Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.StartsWith("spine-platform-gpu:0.1.0", gpu.Container().Image, StringComparison.Ordinal);
        Assert.Equal("Cuda", gpu.Env("Spine__Models__ExecutionProvider"));
        Assert.Equal("true", gpu.Spec.Template.Spec.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Contains(gpu.Spec.Template.Spec.Tolerations, t => t.Key == "nvidia.com/gpu");
        Assert.False(cpu.Container().Resources.Limits.ContainsKey("nvidia.com/gpu"));
        Assert.StartsWith("spine-platform:0.1.0", cpu.Container().Image, StringComparison.Ordinal);
        Assert.Equal("Cpu", cpu.Env("Spine__Models__ExecutionProvider"));
        Assert.Null(cpu.Spec.Template.Spec.NodeSelector);
    }

    [Theory]
    [InlineData("")]
    [InlineData("prod-")]
    public void Autoscaled_services_watch_the_queues_their_consumers_read_with_the_queue_prefix(string prefix)
    {
        var objects = Objects(new Dictionary<string, object?> { ["rabbitmq.queuePrefix"] = prefix });
        var scaled = objects.OfType<ScaledObject>().ToDictionary(s => s.Spec.ScaleTargetRef.Name);
        var authentication = Assert.Single(objects.OfType<TriggerAuthentication>());

        foreach (var service in SpineServices.Names.Where(s => SpineServices.Queues(s).Count > 0))
        {
            var scaledObject = scaled[$"{Release}-{service}"];
            Assert.Equal(SpineServices.Queues(service).Select(q => prefix + q), scaledObject.Spec.Triggers.Select(t => t.Metadata["queueName"]).Order(StringComparer.Ordinal));
            Assert.All(scaledObject.Spec.Triggers, t => Assert.Equal(authentication.Metadata.Name, t.AuthenticationRef?.Name));
        }

        Assert.Equal(0, scaled[$"{Release}-segmentation"].Spec.MinReplicaCount);
        Assert.Equal(prefix, Assert.Single(objects.OfType<V1ConfigMap>()).Data["Spine__Bus__QueuePrefix"]);
        Assert.All(objects.OfType<V1Deployment>().Where(d => scaled.ContainsKey(d.Metadata.Name)), d => Assert.Null(d.Spec.Replicas));
    }

    [Fact]
    public void Without_autoscaling_or_network_policies_the_chart_leaves_them_out_and_fixes_replicas()
    {
        var overrides = SpineServices.Names.ToDictionary(s => $"services.{s}.autoscaling.enabled", _ => (object?)false);
        overrides["networkPolicies.enabled"] = false;
        var objects = Objects(overrides);

        Assert.Empty(objects.OfType<ScaledObject>());
        Assert.Empty(objects.OfType<TriggerAuthentication>());
        Assert.Empty(objects.OfType<V1NetworkPolicy>());
        Assert.All(objects.OfType<V1Deployment>(), d => Assert.NotNull(d.Spec.Replicas));
    }

    [Fact]
    public void The_studies_api_and_ingestion_take_connections_only_from_the_peers_configured_for_them()
    {
        var pacs = new Dictionary<string, object?> { ["namespaceSelector"] = new Dictionary<string, object?> { ["matchLabels"] = new Dictionary<string, object?> { ["kubernetes.io/metadata.name"] = "pacs-integration" } } };
        var modalities = new Dictionary<string, object?> { ["ipBlock"] = new Dictionary<string, object?> { ["cidr"] = "10.20.0.0/16" } };
        var open = Objects().OfType<V1NetworkPolicy>().ToDictionary(p => p.Metadata.Name);
        var narrowed = Objects(new Dictionary<string, object?>
        {
            ["networkPolicies.studiesApiFrom"] = new List<object?> { pacs },
            ["networkPolicies.sendersFrom"] = new List<object?> { modalities },
        }).OfType<V1NetworkPolicy>().ToDictionary(p => p.Metadata.Name);

        Assert.Null(Assert.Single(open[$"{Release}-spine-reporting-studies-api"].Spec.Ingress).FromProperty);
        var studiesApi = Assert.Single(narrowed[$"{Release}-spine-reporting-studies-api"].Spec.Ingress);
        Assert.Equal("pacs-integration", Assert.Single(studiesApi.FromProperty).NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal("8080", Assert.Single(studiesApi.Ports).Port.Value);
        var senders = Assert.Single(narrowed[$"{Release}-spine-ingestion-from-senders"].Spec.Ingress);
        Assert.Equal("10.20.0.0/16", Assert.Single(senders.FromProperty).IpBlock.Cidr);
    }

    [Fact]
    public void Every_setting_the_chart_renders_binds_to_an_option_and_the_notes_name_every_secret_key()
    {
        var rendered = Chart.Render(Release);
        var objects = Objects();
        var settings = objects.OfType<V1Deployment>().SelectMany(d => d.Container().Env.Select(e => e.Name))
            .Concat(objects.OfType<V1ConfigMap>().SelectMany(c => c.Data.Keys))
            .Where(k => k.StartsWith("Spine__", StringComparison.Ordinal)).Distinct().ToList();
        var secretKeys = objects.OfType<V1Deployment>().SelectMany(d => d.Container().Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.ValueFrom.SecretKeyRef.Key)).Distinct().ToList();

        Assert.True(settings.Count > 10);
        Assert.Empty(settings.Select(OptionsBinding.Problem).OfType<string>());
        Assert.Equal(5, secretKeys.Count);
        Assert.All(secretKeys, key => Assert.Contains($"--from-literal={key}=", rendered["NOTES.txt"], StringComparison.Ordinal));
        Assert.Contains("spine-reporting", rendered["NOTES.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_renderer_refuses_what_it_does_not_implement_instead_of_rendering_it_wrongly()
    {
        var (body, _) = TemplateParser.Parse("{{ .Values.a | upper }}", "test");

        var error = Assert.Throws<FormatException>(() => new TemplateRenderer(new Dictionary<string, List<Node>>()).Render(body, new Dictionary<string, object?> { ["Values"] = new Dictionary<string, object?> { ["a"] = "x" } }));
        Assert.Contains("upper", error.Message, StringComparison.Ordinal);
    }
}
