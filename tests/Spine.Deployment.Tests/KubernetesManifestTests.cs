using k8s.Models;
using Spine.Testing;

namespace Spine.Deployment.Tests;

/// <summary>deploy/k8s read into KubernetesClient's typed objects, file by file and as each overlay renders (kubectl kustomize).</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class KubernetesManifestTests
{
    private static IEnumerable<string> ManifestFiles() =>
        Directory.EnumerateFiles(Manifests.K8sRoot, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml" && !File.ReadAllText(f).TrimStart().StartsWith("# JSON patch", StringComparison.Ordinal));

    public static TheoryData<string> Overlays() => [.. Manifests.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_overlay_requires_tls_on_every_hop_and_credentials_on_every_http_endpoint(string overlay)
    {
        var objects = Manifests.Render(overlay);
        var config = Assert.Single(objects.OfType<V1ConfigMap>()).Data;
        var deployments = objects.OfType<V1Deployment>().ToDictionary(d => d.Spec.Template.Metadata.Labels["app.kubernetes.io/name"]);

        DeploymentRules.AssertTransportSecurity(config, overlay);
        DeploymentRules.AssertApiKeys(deployments, overlay);
    }

    [Fact]
    public void Every_manifest_file_reads_into_typed_objects_with_no_unknown_field()
    {
        var files = ManifestFiles().ToList();
        Assert.True(files.Count >= 10, $"only {files.Count} manifest files found");
        foreach (var file in files)
        {
            var objects = Manifests.Read(File.ReadAllText(file));
            Assert.True(objects.Count > 0, $"{file}: no object");
            Assert.DoesNotContain(objects, o => o.GetType() == typeof(object));
        }
    }

    [Fact]
    public void Reading_is_strict_so_a_misspelt_field_is_an_error()
    {
        var deployment = File.ReadAllText(Path.Combine(Manifests.K8sRoot, "base", "segmentation.yaml"));

        Assert.ThrowsAny<Exception>(() => Manifests.Read(deployment.Replace("replicas:", "replica:", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => Manifests.Read(File.ReadAllText(Path.Combine(Manifests.K8sRoot, "components", "autoscaling", "scaled-objects.yaml"))
            .Replace("minReplicaCount", "minReplicas", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_deployment_has_probes_resources_and_a_non_root_read_only_security_context(string overlay)
    {
        var deployments = Manifests.Render(overlay).OfType<V1Deployment>().ToList();

        Assert.Equal(SpineServices.Names.Order(StringComparer.Ordinal), deployments.Select(d => d.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(deployments, d => DeploymentRules.AssertHardened(d, d.Metadata.Name, overlay));
        DeploymentRules.AssertOneIngestionAtATime(deployments, d => d.Metadata.Name, overlay);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Services_disruption_budgets_and_network_policies_select_the_pods_they_are_for(string overlay)
    {
        var objects = Manifests.Render(overlay);
        DeploymentRules.AssertSelectorsMatch(objects, overlay);
        var ingestion = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == "ingestion");
        Assert.Contains(ingestion.Spec.Ports, p => p.Port == 11112);
    }

    [Theory]
    [InlineData("overlays/gpu")]
    [InlineData("overlays/production")]
    public void The_gpu_overlays_run_segmentation_on_a_gpu_node_with_the_cuda_image(string overlay)
    {
        var deployments = Manifests.Render(overlay).OfType<V1Deployment>().ToList();
        var segmentation = deployments.Single(d => d.Metadata.Name == "segmentation");
        var container = segmentation.Container();

        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("1", container.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.StartsWith("spine-platform-gpu:", container.Image, StringComparison.Ordinal);
        Assert.Equal("Cuda", segmentation.Env("Spine__Models__ExecutionProvider"));
        Assert.Equal("true", segmentation.Spec.Template.Spec.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Contains(segmentation.Spec.Template.Spec.Tolerations, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");
        Assert.All(deployments.Where(d => d != segmentation), d => Assert.False(d.Container().Resources.Limits.ContainsKey("nvidia.com/gpu")));
    }

    [Fact]
    public void The_base_runs_segmentation_on_the_cpu_image_without_a_gpu()
    {
        var segmentation = Manifests.Render("base").OfType<V1Deployment>().Single(d => d.Metadata.Name == "segmentation");

        Assert.False(segmentation.Container().Resources.Limits.ContainsKey("nvidia.com/gpu"));
        Assert.StartsWith("spine-platform:", segmentation.Container().Image, StringComparison.Ordinal);
        Assert.Equal("Cpu", segmentation.Env("Spine__Models__ExecutionProvider"));
    }

    [Theory]
    [InlineData("overlays/autoscaling")]
    [InlineData("overlays/production")]
    public void Every_service_with_a_queue_scales_on_the_queues_it_consumes_and_segmentation_down_to_zero(string overlay)
    {
        var objects = Manifests.Render(overlay);
        var scaled = objects.OfType<ScaledObject>().ToDictionary(s => s.Spec.ScaleTargetRef.Name);
        var authentication = Assert.Single(objects.OfType<TriggerAuthentication>());

        foreach (var service in SpineServices.Names)
        {
            var queues = SpineServices.Queues(service);
            if (queues.Count == 0)
            {
                Assert.False(scaled.ContainsKey(service), $"{service} has no queue to scale on");
                continue;
            }

            var scaledObject = scaled[service];
            Assert.Equal(queues, scaledObject.Spec.Triggers.Select(t => t.Metadata["queueName"]).Order(StringComparer.Ordinal));
            Assert.All(scaledObject.Spec.Triggers, t =>
            {
                Assert.Equal("rabbitmq", t.Type);
                Assert.Equal("QueueLength", t.Metadata["mode"]);
                Assert.True(int.Parse(t.Metadata["value"], System.Globalization.CultureInfo.InvariantCulture) > 0);
                Assert.Equal(authentication.Metadata.Name, t.AuthenticationRef?.Name);
            });
            Assert.True(scaledObject.Spec.MaxReplicaCount >= Math.Max(1, scaledObject.Spec.MinReplicaCount ?? 1));
        }

        Assert.Equal(0, scaled["segmentation"].Spec.MinReplicaCount);
        Assert.All(scaled.Keys, target => Assert.Contains(objects.OfType<V1Deployment>(), d => d.Metadata.Name == target));
        var host = Assert.Single(authentication.Spec.SecretTargetRef);
        var brokerUrl = objects.OfType<V1Deployment>().First().Container().Env.Single(e => e.Name == "Spine__Bus__RabbitMq__Url").ValueFrom.SecretKeyRef;
        Assert.Equal(("host", brokerUrl.Name, brokerUrl.Key), (host.Parameter, host.Name, host.Key));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_spine_setting_binds_to_an_option_and_every_secret_key_is_in_the_readme(string overlay)
    {
        var objects = Manifests.Render(overlay);
        var settings = objects.OfType<V1Deployment>().SelectMany(d => d.Container().Env.Select(e => e.Name))
            .Concat(objects.OfType<V1ConfigMap>().SelectMany(c => c.Data.Keys))
            .Where(k => k.StartsWith("Spine__", StringComparison.Ordinal)).Distinct().ToList();
        var secretKeys = objects.OfType<V1Deployment>().SelectMany(d => d.Container().Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.ValueFrom.SecretKeyRef.Key)).Distinct().ToList();
        var readme = File.ReadAllText(Path.Combine(Manifests.K8sRoot, "README.md"));

        Assert.NotEmpty(settings);
        Assert.Empty(settings.Select(OptionsBinding.Problem).OfType<string>());
        Assert.Equal(5, secretKeys.Count);
        Assert.All(secretKeys, key => Assert.Contains($"--from-literal={key}=", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void The_images_are_tagged_with_the_platform_version()
    {
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryLayout.Root, "Directory.Build.props")).Descendants("Version").Single().Value;
        var images = Manifests.Render("overlays/production").OfType<V1Deployment>().Select(d => d.Container().Image).ToList();

        Assert.All(images, image => Assert.EndsWith(":" + version, image, StringComparison.Ordinal));
    }
}
