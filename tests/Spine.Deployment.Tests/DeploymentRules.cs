using k8s.Models;

namespace Spine.Deployment.Tests;

/// <summary>What every rendering of the deployment (kustomize overlay or Helm chart) must hold to.</summary>
internal static class DeploymentRules
{
    public static void AssertHardened(V1Deployment deployment, string service, string source)
    {
        var where = $"{source}/{deployment.Metadata.Name}";
        var pod = deployment.Spec.Template.Spec;
        var container = deployment.Container();
        Assert.Equal(service, deployment.Env("SPINE_SERVICES"));
        Assert.Equal("/health/live", container.LivenessProbe?.HttpGet?.Path);
        Assert.Equal("/health/ready", container.ReadinessProbe?.HttpGet?.Path);
        Assert.NotNull(container.StartupProbe?.HttpGet);
        Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory"), $"{where}: requests");
        Assert.True(container.Resources?.Limits?.ContainsKey("memory") == true, $"{where}: memory limit");
        Assert.True(pod.SecurityContext?.RunAsNonRoot, $"{where}: runAsNonRoot");
        Assert.NotEqual(0, pod.SecurityContext?.RunAsUser ?? 0);
        Assert.True(container.SecurityContext?.ReadOnlyRootFilesystem, $"{where}: read-only root");
        Assert.False(container.SecurityContext?.AllowPrivilegeEscalation ?? true);
        Assert.Contains("ALL", container.SecurityContext?.Capabilities?.Drop ?? []);
        Assert.Contains(container.VolumeMounts ?? [], m => m.MountPath == "/tmp");
    }

    /// <summary>
    /// One ingestion process at a time, during a rollout too: a starting ingestion reopens the DIMSE studies left
    /// unfinished, which a second one still receiving them would then complete twice.
    /// </summary>
    /// <summary>The services refuse plain hops (broker, S3, database, export), and the S3 API is configured over TLS.</summary>
    public static void AssertTransportSecurity(IDictionary<string, string> config, string source)
    {
        Assert.True(config.TryGetValue("Spine__Security__RequireTransportSecurity", out var required) && required == "true", $"{source}: RequireTransportSecurity is not on");
        Assert.True(config.TryGetValue("Spine__Storage__S3__UseSsl", out var ssl) && ssl == "true", $"{source}: the S3 API is not over TLS");
    }

    /// <summary>The services with HTTP endpoints get an API key from the Secret, with the role their endpoints need.</summary>
    public static void AssertApiKeys(IReadOnlyDictionary<string, V1Deployment> deployments, string source)
    {
        foreach (var (service, role) in new[] { ("ingestion", "send"), ("reporting", "read") })
        {
            var env = deployments[service].Spec.Template.Spec.Containers[0].Env;
            Assert.True(env.Any(e => e.Name == "Spine__Security__ApiKeys__0__Key" && e.ValueFrom?.SecretKeyRef is not null), $"{source}: {service} has no API key from the Secret");
            Assert.True(env.Any(e => e.Name == "Spine__Security__ApiKeys__0__Roles" && e.Value == role), $"{source}: {service}'s key does not have the role {role}");
        }
    }

    public static void AssertOneIngestionAtATime(IEnumerable<V1Deployment> deployments, Func<V1Deployment, string> service, string source)
    {
        var all = deployments.ToList();
        var ingestion = Assert.Single(all, d => service(d) == "ingestion");
        Assert.Equal(1, ingestion.Spec.Replicas);
        Assert.True(ingestion.Spec.Strategy?.Type == "Recreate", $"{source}: ingestion's strategy is {ingestion.Spec.Strategy?.Type ?? "the default rolling update"}");
        Assert.All(all.Where(d => d != ingestion), d => Assert.NotEqual("Recreate", d.Spec.Strategy?.Type));
    }

    public static void AssertSelectorsMatch(List<object> objects, string source)
    {
        var pods = objects.OfType<V1Deployment>().Select(d => d.Spec.Template.Metadata.Labels).ToList();
        bool Selects(IDictionary<string, string> selector) => pods.Any(labels => selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value));

        Assert.All(objects.OfType<V1Service>(), s => Assert.True(Selects(s.Spec.Selector), $"{source}: Service {s.Metadata.Name}"));
        Assert.Equal(6, objects.OfType<V1PodDisruptionBudget>().Count(b => Selects(b.Spec.Selector.MatchLabels)));
        Assert.All(objects.OfType<V1NetworkPolicy>().Where(p => p.Spec.PodSelector.MatchLabels is not null), p => Assert.True(Selects(p.Spec.PodSelector.MatchLabels), $"{source}: NetworkPolicy {p.Metadata.Name}"));
    }
}
