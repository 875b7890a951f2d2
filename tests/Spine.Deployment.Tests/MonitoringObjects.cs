using k8s;
using k8s.Models;

namespace Spine.Deployment.Tests;

// The Prometheus Operator custom resources the chart writes (monitoring.coreos.com/v1), typed with the fields of the
// operator's CRDs that this project uses, so that strict reading rejects a misspelt or misplaced one.

public sealed class PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    public string Kind { get; set; } = "PodMonitor";

    public V1ObjectMeta Metadata { get; set; } = new();

    public PodMonitorSpec Spec { get; set; } = new();
}

public sealed class PodMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public List<PodMetricsEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class PodMetricsEndpoint
{
    public string? Port { get; set; }

    public string? Path { get; set; }

    public string? Interval { get; set; }

    public SafeAuthorization? Authorization { get; set; }

    public List<RelabelConfig> Relabelings { get; set; } = [];
}

public sealed class SafeAuthorization
{
    public string? Type { get; set; }

    public V1SecretKeySelector? Credentials { get; set; }
}

public sealed class RelabelConfig
{
    public List<string> SourceLabels { get; set; } = [];

    public string? TargetLabel { get; set; }
}

public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    public string Kind { get; set; } = "PrometheusRule";

    public V1ObjectMeta Metadata { get; set; } = new();

    public PrometheusRuleSpec Spec { get; set; } = new();
}

public sealed class PrometheusRuleSpec
{
    public List<RuleGroup> Groups { get; set; } = [];
}

public sealed class RuleGroup
{
    public string Name { get; set; } = string.Empty;

    public List<Rule> Rules { get; set; } = [];
}

public sealed class Rule
{
    public string? Alert { get; set; }

    public string? Record { get; set; }

    public string Expr { get; set; } = string.Empty;

    public string? For { get; set; }

    public Dictionary<string, string> Labels { get; set; } = [];

    public Dictionary<string, string> Annotations { get; set; } = [];
}
