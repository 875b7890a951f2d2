using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;
using Spine.Platform.Security;
using Spine.Platform.Storage;

namespace Spine.Platform.Hosting;

public static class SpinePlatformExtensions
{
    /// <summary>
    /// Everything a Spine service stands on, in the order it must start: defaults, object store (bucket ensured),
    /// ledger (schema ensured), then the bus, so that no message is taken before storage and database are ready, and
    /// the relay that publishes what the stages queued in the ledger's outbox.
    /// </summary>
    public static TBuilder AddSpinePlatform<TBuilder>(this TBuilder builder, IReadOnlyCollection<SpineServiceModule> modules, string? serviceName = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(modules);
        builder.AddSpineDefaults(serviceName);
        builder.AddSpineSecurity();
        builder.AddSpineApiDocument();
        builder.AddSpineObjectStore();
        builder.AddSpineLedger();
        foreach (var module in modules)
        {
            module.AddServices?.Invoke(builder);
        }

        builder.AddSpineBus(bus =>
        {
            foreach (var module in modules)
            {
                module.AddConsumers(bus);
            }
        });
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
