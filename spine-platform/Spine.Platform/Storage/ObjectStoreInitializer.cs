using Microsoft.Extensions.Hosting;

namespace Spine.Platform.Storage;

/// <summary>Makes sure the bucket exists before consumers start taking messages.</summary>
internal sealed class ObjectStoreInitializer(IObjectStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureReadyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
