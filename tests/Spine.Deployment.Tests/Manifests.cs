using System.Diagnostics;
using k8s;
using k8s.Models;
using Spine.Testing;

namespace Spine.Deployment.Tests;

/// <summary>Kubernetes manifests of deploy/k8s read into typed objects, as files and as kustomize renders them.</summary>
internal static class Manifests
{
    public static string K8sRoot => Path.Combine(RepositoryLayout.Root, "deploy", "k8s");

    public static readonly string[] Overlays = ["base", "overlays/gpu", "overlays/autoscaling", "overlays/production"];

    private static readonly Dictionary<string, Type> CustomTypes = new()
    {
        ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject),
        ["keda.sh/v1alpha1/TriggerAuthentication"] = typeof(TriggerAuthentication),
        ["monitoring.coreos.com/v1/PodMonitor"] = typeof(PodMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule),
    };

    /// <summary>Every object of a YAML stream; strict, so a field the kind does not have is an error.</summary>
    public static List<object> Read(string yaml) => KubernetesYaml.LoadAllFromString(yaml, CustomTypes, strict: true);

    /// <summary><c>kubectl kustomize</c> (kustomize built into kubectl; no cluster is contacted).</summary>
    public static List<object> Render(string overlay)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(K8sRoot, overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var kubectl = Process.Start(start)!;
        var error = kubectl.StandardError.ReadToEndAsync();
        var output = kubectl.StandardOutput.ReadToEnd();
        kubectl.WaitForExit();
        if (kubectl.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {overlay} failed: {error.Result}");
        }

        return Read(output);
    }

    public static V1Container Container(this V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);

    public static string? Env(this V1Deployment deployment, string name) =>
        deployment.Container().Env?.SingleOrDefault(e => e.Name == name)?.Value;
}
