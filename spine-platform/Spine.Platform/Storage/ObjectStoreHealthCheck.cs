using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Spine.Platform.Storage;

internal sealed class ObjectStoreHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.IsReadyAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"bucket {store.Bucket} is reachable")
                : HealthCheckResult.Unhealthy($"bucket {store.Bucket} does not exist");
        }
#pragma warning disable CA1031 // A health check reports failures; it does not throw them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"object store did not answer: {ex.Message}", ex);
        }
    }
}
