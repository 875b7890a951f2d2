using k8s;
using k8s.Models;

namespace Spine.Deployment.Tests;

// The KEDA custom resources the manifests use (keda.sh/v1alpha1), typed with the fields of KEDA's CRDs that this
// project writes, so that strict reading rejects a misspelt or misplaced one as it does for built-in kinds.

public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "keda.sh/v1alpha1";

    public string Kind { get; set; } = "ScaledObject";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    public ScaleTarget ScaleTargetRef { get; set; } = new();

    public int? PollingInterval { get; set; }

    public int? CooldownPeriod { get; set; }

    public int? MinReplicaCount { get; set; }

    public int? MaxReplicaCount { get; set; }

    public List<ScaleTrigger> Triggers { get; set; } = [];
}

public sealed class ScaleTarget
{
    public string Name { get; set; } = string.Empty;

    public string? Kind { get; set; }

    public string? ApiVersion { get; set; }
}

public sealed class ScaleTrigger
{
    public string Type { get; set; } = string.Empty;

    public Dictionary<string, string> Metadata { get; set; } = [];

    public NameReference? AuthenticationRef { get; set; }
}

public sealed class NameReference
{
    public string Name { get; set; } = string.Empty;
}

public sealed class TriggerAuthentication : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "keda.sh/v1alpha1";

    public string Kind { get; set; } = "TriggerAuthentication";

    public V1ObjectMeta Metadata { get; set; } = new();

    public TriggerAuthenticationSpec Spec { get; set; } = new();
}

public sealed class TriggerAuthenticationSpec
{
    public List<SecretTarget> SecretTargetRef { get; set; } = [];
}

public sealed class SecretTarget
{
    public string Parameter { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;
}
